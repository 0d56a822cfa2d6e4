package com.misterwebhooks;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A Mister Webhooks connection profile: the consumer name, credentials and
 * Kafka bootstrap servers that Mister Webhooks issues to a customer as a JSON
 * file.
 *
 * <p>{@code consumerName} is also the Kafka consumer group and SASL user name.
 * {@code authMechanism} ({@code "plain"}) and {@code authSecret} are null for
 * a profile without {@code auth}, which only the {@code SSL} and
 * {@code PLAINTEXT} security protocols allow. {@code kafkaBootstrap} lists
 * the bootstrap servers as {@code host:port}, comma-separated.
 * {@code securityProtocol} is {@code SASL_SSL} (the default), {@code
 * SASL_PLAINTEXT}, {@code SSL} or {@code PLAINTEXT}. {@code sslCaLocation} is
 * a PEM file of CA certificates, or null: TLS connections then trust only the
 * Mister Webhooks broker CA built into libmisterwebhooks.
 *
 * <p>Profiles read by {@link #fromFile} and {@link #fromJson} are checked by
 * libmisterwebhooks, and so is any profile when a consumer is created.
 * {@link #toString()} never shows the secret.
 */
public record ConnectionProfile(String consumerName, String authMechanism, String authSecret, String kafkaBootstrap,
                                String securityProtocol, String sslCaLocation) {

    public ConnectionProfile {
        Objects.requireNonNull(consumerName, "consumerName");
        Objects.requireNonNull(kafkaBootstrap, "kafkaBootstrap");
    }

    /**
     * Loads a connection profile from the JSON file at {@code path}.
     *
     * @throws FileReadException when the file cannot be read
     * @throws ProfileException when it is not a valid profile; the message
     *     names the file and the field
     */
    public static ConnectionProfile fromFile(Path path) {
        MisterWebhooksLibrary library = LibraryLoader.library();
        PointerByReference profileOut = new PointerByReference();
        PointerByReference errorOut = new PointerByReference();

        int status = library.mw_profile_load(LibraryLoader.cString("profile path", path.toString()), profileOut,
                errorOut);
        LibraryLoader.check(status, errorOut);
        return readAndFree(library, profileOut.getValue());
    }

    /**
     * Parses a connection profile from JSON text.
     *
     * @throws ProfileException when it is not a valid profile; the message
     *     names the field
     */
    public static ConnectionProfile fromJson(String json) {
        return readAndFree(LibraryLoader.library(), parse(json));
    }

    /** Returns a copy of this profile with another consumer name, and so another consumer group. */
    public ConnectionProfile withConsumerName(String name) {
        return new ConnectionProfile(name, authMechanism, authSecret, kafkaBootstrap, securityProtocol,
                sslCaLocation);
    }

    /**
     * Returns the profile as JSON in the format of Mister Webhooks' profile
     * files, with every field that is set, the secret included.
     */
    public String toJson() {
        StringBuilder json = new StringBuilder("{\"consumer_name\":").append(jsonString(consumerName));
        if (authMechanism != null || authSecret != null) {
            json.append(",\"auth\":{\"mechanism\":").append(jsonString(authMechanism))
                    .append(",\"secret\":").append(jsonString(authSecret)).append('}');
        }

        json.append(",\"kafka\":{\"bootstrap\":").append(jsonString(kafkaBootstrap));
        if (securityProtocol != null) {
            json.append(",\"security_protocol\":").append(jsonString(securityProtocol));
        }
        if (sslCaLocation != null) {
            json.append(",\"ssl_ca_location\":").append(jsonString(sslCaLocation));
        }
        return json.append("}}").toString();
    }

    @Override
    public String toString() {
        return "ConnectionProfile[consumerName=" + consumerName + ", authMechanism=" + authMechanism
                + ", authSecret=" + (authSecret == null ? "null" : "<hidden>") + ", kafkaBootstrap="
                + kafkaBootstrap + ", securityProtocol=" + securityProtocol + ", sslCaLocation=" + sslCaLocation
                + "]";
    }

    /**
     * Parses {@code json} into a new {@code mw_profile} that the caller frees
     * with {@code mw_profile_free}.
     */
    static Pointer parse(String json) {
        MisterWebhooksLibrary library = LibraryLoader.library();
        PointerByReference profileOut = new PointerByReference();
        PointerByReference errorOut = new PointerByReference();

        byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
        int status = library.mw_profile_parse(utf8, new MisterWebhooksLibrary.SizeT(utf8.length), profileOut,
                errorOut);
        LibraryLoader.check(status, errorOut);
        return profileOut.getValue();
    }

    private static ConnectionProfile readAndFree(MisterWebhooksLibrary library, Pointer profile) {
        try {
            return new ConnectionProfile(
                    LibraryLoader.text(library.mw_profile_consumer_name(profile)),
                    LibraryLoader.text(library.mw_profile_auth_mechanism(profile)),
                    LibraryLoader.text(library.mw_profile_auth_secret(profile)),
                    LibraryLoader.text(library.mw_profile_kafka_bootstrap(profile)),
                    LibraryLoader.text(library.mw_profile_security_protocol(profile)),
                    LibraryLoader.text(library.mw_profile_ssl_ca_location(profile)));
        } finally {
            library.mw_profile_free(profile);
        }
    }

    private static String jsonString(String value) {
        if (value == null) {
            return "null";
        }

        StringBuilder quoted = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
