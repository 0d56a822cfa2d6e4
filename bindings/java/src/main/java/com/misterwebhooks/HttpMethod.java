package com.misterwebhooks;

/** HTTP method of a webhook request, in the order of the Avro enum ({@code mw_http_method}). */
public enum HttpMethod {
    GET, HEAD, POST, PUT, DELETE, PATCH;

    /** Returns the method with the {@code mw_http_method} value {@code code}. */
    static HttpMethod fromCode(int code) {
        HttpMethod[] methods = values();
        if (code < 0 || code >= methods.length) {
            throw new IllegalStateException("libmisterwebhooks returned the unknown HTTP method value " + code);
        }
        return methods[code];
    }
}
