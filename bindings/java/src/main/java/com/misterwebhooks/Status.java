package com.misterwebhooks;

/** The {@code mw_status} codes of libmisterwebhooks. */
public enum Status {
    /** {@code MW_OK}: success. Never the status of an exception. */
    OK(0, "MW_OK"),
    /** {@code MW_ERR_INVALID_ARGUMENT}: an invalid argument, or a call not allowed in the object's state. */
    INVALID_ARGUMENT(1, "MW_ERR_INVALID_ARGUMENT"),
    /** {@code MW_ERR_IO}: a file could not be opened or read. */
    IO(2, "MW_ERR_IO"),
    /** {@code MW_ERR_PROFILE}: the connection profile is invalid. */
    PROFILE(3, "MW_ERR_PROFILE"),
    /** {@code MW_ERR_KAFKA}: Kafka failed. */
    KAFKA(4, "MW_ERR_KAFKA"),
    /** {@code MW_ERR_AUTHENTICATION}: the brokers rejected the SASL credentials. */
    AUTHENTICATION(5, "MW_ERR_AUTHENTICATION"),
    /** {@code MW_ERR_MALFORMED_MESSAGE}: the record has no valid {@code envelope} header. */
    MALFORMED_MESSAGE(10, "MW_ERR_MALFORMED_MESSAGE"),
    /** {@code MW_ERR_UNSUPPORTED_ENVELOPE}: the envelope is newer than the library. */
    UNSUPPORTED_ENVELOPE(11, "MW_ERR_UNSUPPORTED_ENVELOPE"),
    /** {@code MW_ERR_ENVELOPE_DECODE}: the record value is not a valid Avro envelope. */
    ENVELOPE_DECODE(12, "MW_ERR_ENVELOPE_DECODE"),
    /** {@code MW_ERR_PAYLOAD_DECODE}: the webhook payload is not valid JSON or CBOR. */
    PAYLOAD_DECODE(13, "MW_ERR_PAYLOAD_DECODE"),
    /** {@code MW_ERR_HANDLER}: the event handler failed. */
    HANDLER(20, "MW_ERR_HANDLER"),
    /** A code this binding does not know, from a newer library; see {@link MisterWebhooksException#statusCode()}. */
    UNKNOWN(-1, "MW_ERR_UNKNOWN");

    private final int code;
    private final String cName;

    Status(int code, String cName) {
        this.code = code;
        this.cName = cName;
    }

    /** Returns the numeric {@code mw_status} value, or -1 for {@link #UNKNOWN}. */
    public int code() {
        return code;
    }

    /** Returns the name of the C constant, such as {@code "MW_ERR_KAFKA"}. */
    public String cName() {
        return cName;
    }

    /** Returns the status with the numeric value {@code code}, or {@link #UNKNOWN}. */
    public static Status fromCode(int code) {
        for (Status status : values()) {
            if (status.code == code && status != UNKNOWN) {
                return status;
            }
        }
        return UNKNOWN;
    }
}
