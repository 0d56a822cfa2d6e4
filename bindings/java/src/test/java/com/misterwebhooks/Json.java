package com.misterwebhooks;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict RFC 8259 JSON parser for the tests, so they need no library.
 *
 * <p>Objects become {@link LinkedHashMap}s in which the last duplicate key
 * wins, arrays {@link ArrayList}s, integers without fraction or exponent
 * {@link BigInteger}s, other numbers {@link BigDecimal}s, and null
 * {@link #NULL}. {@link #same} compares values the way the vectors' reference
 * checker does: integers exactly, other numbers as IEEE doubles.
 */
final class Json {
    /** The JSON value null. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private final String text;
    private int position;

    private Json(String text) {
        this.text = text;
    }

    /** Parses one JSON value that fills {@code text}, surrounded by optional whitespace. */
    static Object parse(String text) {
        Json parser = new Json(text);
        parser.skipWhitespace();
        Object value = parser.value(0);
        parser.skipWhitespace();
        if (parser.position != text.length()) {
            throw parser.error("unexpected text after the value");
        }
        return value;
    }

    /** Returns whether two parsed values are equal by the vectors' rules. */
    static boolean same(Object a, Object b) {
        if (a instanceof Boolean || b instanceof Boolean) {
            return a.equals(b);
        }
        if (a instanceof Number && b instanceof Number) {
            if (a instanceof BigInteger && b instanceof BigInteger) {
                return a.equals(b);
            }
            return ((Number) a).doubleValue() == ((Number) b).doubleValue();
        }
        if (a instanceof Map && b instanceof Map) {
            Map<?, ?> left = (Map<?, ?>) a;
            Map<?, ?> right = (Map<?, ?>) b;
            if (!left.keySet().equals(right.keySet())) {
                return false;
            }
            for (Object key : left.keySet()) {
                if (!same(left.get(key), right.get(key))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof List && b instanceof List) {
            List<?> left = (List<?>) a;
            List<?> right = (List<?>) b;
            if (left.size() != right.size()) {
                return false;
            }
            for (int i = 0; i < left.size(); i++) {
                if (!same(left.get(i), right.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    private Object value(int depth) {
        if (depth > 10_000) {
            throw error("nesting too deep");
        }
        if (position >= text.length()) {
            throw error("unexpected end of text");
        }

        char c = text.charAt(position);
        switch (c) {
            case '{':
                return object(depth);
            case '[':
                return array(depth);
            case '"':
                return string();
            case 't':
                return literal("true", Boolean.TRUE);
            case 'f':
                return literal("false", Boolean.FALSE);
            case 'n':
                return literal("null", NULL);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("unexpected character " + c);
        }
    }

    private Map<String, Object> object(int depth) {
        Map<String, Object> members = new LinkedHashMap<>();
        position++;
        skipWhitespace();
        if (peek() == '}') {
            position++;
            return members;
        }

        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a member name");
            }
            String name = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            members.remove(name);
            members.put(name, value(depth + 1));
            skipWhitespace();
            if (peek() == ',') {
                position++;
            } else {
                expect('}');
                return members;
            }
        }
    }

    private List<Object> array(int depth) {
        List<Object> elements = new ArrayList<>();
        position++;
        skipWhitespace();
        if (peek() == ']') {
            position++;
            return elements;
        }

        while (true) {
            skipWhitespace();
            elements.add(value(depth + 1));
            skipWhitespace();
            if (peek() == ',') {
                position++;
            } else {
                expect(']');
                return elements;
            }
        }
    }

    private String string() {
        StringBuilder result = new StringBuilder();
        position++;
        while (true) {
            if (position >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(position++);
            if (c == '"') {
                return result.toString();
            }
            if (c < 0x20) {
                throw error("unescaped control character in a string");
            }
            if (c != '\\') {
                result.append(c);
                continue;
            }

            if (position >= text.length()) {
                throw error("unterminated escape");
            }
            char escape = text.charAt(position++);
            switch (escape) {
                case '"', '\\', '/' -> result.append(escape);
                case 'b' -> result.append('\b');
                case 'f' -> result.append('\f');
                case 'n' -> result.append('\n');
                case 'r' -> result.append('\r');
                case 't' -> result.append('\t');
                case 'u' -> {
                    if (position + 4 > text.length()) {
                        throw error("short \\u escape");
                    }
                    String hex = text.substring(position, position + 4);
                    if (!hex.matches("[0-9a-fA-F]{4}")) {
                        throw error("invalid \\u escape " + hex);
                    }
                    result.append((char) Integer.parseInt(hex, 16));
                    position += 4;
                }
                default -> throw error("invalid escape \\" + escape);
            }
        }
    }

    private Number number() {
        int start = position;
        if (peek() == '-') {
            position++;
        }
        if (peek() == '0') {
            position++;
        } else if (isDigit(peek())) {
            skipDigits();
        } else {
            throw error("invalid number");
        }

        boolean integral = true;
        if (peek() == '.') {
            integral = false;
            position++;
            if (!isDigit(peek())) {
                throw error("digit expected after the decimal point");
            }
            skipDigits();
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            position++;
            if (peek() == '+' || peek() == '-') {
                position++;
            }
            if (!isDigit(peek())) {
                throw error("digit expected in the exponent");
            }
            skipDigits();
        }

        String literal = text.substring(start, position);
        return integral ? new BigInteger(literal) : new BigDecimal(literal);
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, position)) {
            throw error("invalid literal");
        }
        position += word.length();
        return value;
    }

    private void skipDigits() {
        while (isDigit(peek())) {
            position++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private char peek() {
        return position < text.length() ? text.charAt(position) : '\0';
    }

    private void expect(char c) {
        if (peek() != c) {
            throw error("expected " + c);
        }
        position++;
    }

    private void skipWhitespace() {
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            position++;
        }
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException(message + " at character " + position);
    }
}
