package com.misterwebhooks;

import java.util.Objects;

/** A small test runner: named tests, assertions, and a closing "N passed, M failed" line. */
final class TestHarness {
    /** A test body that may throw anything. */
    @FunctionalInterface
    interface Body {
        void run() throws Throwable;
    }

    /** Thrown by a test that cannot run here, with the reason. */
    static final class Skipped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Skipped(String reason) {
            super(reason);
        }
    }

    private int passed;
    private int failed;
    private int skipped;

    /** Runs one test and prints its outcome and duration. */
    void test(String name, Body body) {
        long start = System.nanoTime();
        try {
            body.run();
            passed++;
            System.out.printf("ok    %s (%.1f s)%n", name, seconds(start));
        } catch (Skipped skip) {
            skipped++;
            System.out.printf("SKIP  %s: %s%n", name, skip.getMessage());
        } catch (Throwable error) {
            failed++;
            System.out.printf("FAIL  %s (%.1f s): %s%n", name, seconds(start), error);
            error.printStackTrace(System.out);
        }
        System.out.flush();
    }

    /** Prints the summary line and returns the process exit status. */
    int finish() {
        String skippedText = skipped == 0 ? "" : ", " + skipped + " skipped";
        System.out.println(passed + " passed, " + failed + " failed" + skippedText);
        return failed == 0 ? 0 : 1;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    static void checkEqual(Object expected, Object actual, String description) {
        if (!Objects.equals(expected, actual)) {
            throw new AssertionError(description + ": expected " + expected + ", got " + actual);
        }
    }

    /** Runs {@code body} and returns what it throws, failing unless it is a {@code type}. */
    static <T extends Throwable> T expectThrows(Class<T> type, Body body) {
        try {
            body.run();
        } catch (Throwable error) {
            if (type.isInstance(error)) {
                return type.cast(error);
            }
            throw new AssertionError("expected " + type.getSimpleName() + ", got " + error, error);
        }
        throw new AssertionError("expected " + type.getSimpleName() + ", but nothing was thrown");
    }
}
