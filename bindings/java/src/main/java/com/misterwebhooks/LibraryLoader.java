package com.misterwebhooks;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads libmisterwebhooks once per JVM and converts C values and errors for
 * the classes above it.
 */
final class LibraryLoader {
    /** System property naming the libmisterwebhooks.so file to load. */
    static final String LIBRARY_PROPERTY = "misterwebhooks.library.path";

    /** Environment variable naming the libmisterwebhooks.so file to load. */
    static final String LIBRARY_ENV_VAR = "MISTER_WEBHOOKS_LIBRARY";

    /** The major version of misterwebhooks.h that these declarations follow. */
    static final int SUPPORTED_MAJOR_VERSION = 0;

    private static MisterWebhooksLibrary instance;

    private LibraryLoader() {
    }

    /**
     * Returns the loaded library, loading it on first use.
     *
     * @throws UnsatisfiedLinkError when no candidate loads or the library's
     *     major version differs. The message lists every path tried, and a
     *     later call tries again.
     */
    static synchronized MisterWebhooksLibrary library() {
        if (instance == null) {
            instance = load(candidates());
        }
        return instance;
    }

    /**
     * Lists the libraries to try, in order. The system property, else the
     * environment variable, is the only candidate when set, so a wrong value
     * fails loudly instead of loading another copy. Otherwise the build/lib
     * folder of the repository that contains these classes, then the system loader.
     */
    static List<String> candidates() {
        String explicit = System.getProperty(LIBRARY_PROPERTY);
        if (explicit == null || explicit.isEmpty()) {
            explicit = System.getenv(LIBRARY_ENV_VAR);
        }
        if (explicit != null && !explicit.isEmpty()) {
            return List.of(explicit);
        }

        List<String> candidates = new ArrayList<>();
        Path root = repositoryRoot();
        if (root != null) {
            candidates.add(root.resolve("build/lib/libmisterwebhooks.so").toString());
        }
        candidates.add("misterwebhooks");
        return candidates;
    }

    /** Returns the repository that contains these classes, or null outside a source tree. */
    private static Path repositoryRoot() {
        CodeSource source = LibraryLoader.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            return null;
        }

        Path location;
        try {
            location = Paths.get(source.getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | IllegalArgumentException error) {
            return null;
        }

        for (Path folder = location; folder != null; folder = folder.getParent()) {
            if (Files.isRegularFile(folder.resolve("include/misterwebhooks.h"))
                    && Files.isDirectory(folder.resolve("build/lib"))) {
                return folder;
            }
        }
        return null;
    }

    private static MisterWebhooksLibrary load(List<String> candidates) {
        List<String> failures = new ArrayList<>();
        for (String candidate : candidates) {
            MisterWebhooksLibrary library;
            try {
                library = Native.load(candidate, MisterWebhooksLibrary.class);
            } catch (UnsatisfiedLinkError error) {
                failures.add(candidate + " (" + firstLine(error.getMessage()) + ")");
                continue;
            }

            String version = library.mw_version();
            if (!version.startsWith(SUPPORTED_MAJOR_VERSION + ".")) {
                failures.add(candidate + " (version " + version + ", expected " + SUPPORTED_MAJOR_VERSION + ".x)");
                continue;
            }
            return library;
        }

        throw new UnsatisfiedLinkError("libmisterwebhooks could not be loaded. Tried: " + String.join("; ", failures)
                + ". Build it with `make lib` in the libmisterwebhooks repository, or set the system property "
                + LIBRARY_PROPERTY + " or the environment variable " + LIBRARY_ENV_VAR
                + " to the path of libmisterwebhooks.so.");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no reason given";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    // MARK: - Conversions

    /** Copies a NUL-terminated UTF-8 string, or returns null for NULL. */
    static String text(Pointer pointer) {
        return pointer == null ? null : pointer.getString(0, StandardCharsets.UTF_8.name());
    }

    /** Copies {@code length} bytes, which may include NUL, or returns null for NULL. */
    static byte[] bytes(Pointer pointer, long length) {
        if (pointer == null) {
            return null;
        }
        if (length > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("a value of " + length + " bytes does not fit in a Java array");
        }
        return pointer.getByteArray(0, (int) length);
    }

    /** Copies {@code length} bytes of UTF-8, which may include NUL, or returns null for NULL. */
    static String text(Pointer pointer, long length) {
        byte[] utf8 = bytes(pointer, length);
        return utf8 == null ? null : new String(utf8, StandardCharsets.UTF_8);
    }

    /**
     * Encodes {@code value} as a C string for the argument {@code name}.
     *
     * @throws InvalidArgumentException when it contains a NUL character, which
     *     C would read as the end of the string.
     */
    static byte[] cString(String name, String value) {
        if (value.indexOf('\0') >= 0) {
            throw new InvalidArgumentException(Status.INVALID_ARGUMENT, Status.INVALID_ARGUMENT.code(),
                    name + " " + quote(value) + " contains a NUL character", null, -1, -1, null);
        }
        return MisterWebhooksLibrary.cString(value);
    }

    /** Quotes a value for an error message, escaping NUL and control characters. */
    static String quote(String value) {
        StringBuilder quoted = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    /**
     * Throws the exception for a failed call, freeing the {@code mw_error}.
     * Does nothing for {@code MW_OK}.
     */
    static void check(int status, PointerByReference errorOut) {
        if (status != Status.OK.code()) {
            throw takeError(status, errorOut, null);
        }
    }

    /**
     * Converts the {@code mw_error} of a failed call into its exception and
     * frees it. {@code cause} becomes the exception's cause.
     */
    static MisterWebhooksException takeError(int status, PointerByReference errorOut, Throwable cause) {
        MisterWebhooksLibrary library = library();
        Pointer error = errorOut.getValue();
        if (error == null) {
            return MisterWebhooksException.forStatus(status, library.mw_status_name(status)
                    + " without an error object from libmisterwebhooks", null, -1, -1, cause);
        }

        try {
            int code = library.mw_error_code(error);
            return MisterWebhooksException.forStatus(code, text(library.mw_error_message(error)),
                    text(library.mw_error_topic(error)), library.mw_error_partition(error),
                    library.mw_error_offset(error), cause);
        } finally {
            library.mw_error_free(error);
            errorOut.setValue(null);
        }
    }
}
