package com.misterwebhooks;

import static com.misterwebhooks.TestHarness.check;
import static com.misterwebhooks.TestHarness.checkEqual;
import static com.misterwebhooks.TestHarness.expectThrows;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Tests of the Java binding against the real libmisterwebhooks: the decoding
 * test vectors, and consumers of a dev-broker topic that test.sh starts.
 *
 * <p>System properties: {@code mw.test.vectors} (folder of the decoding test
 * vectors), {@code mw.test.profile} (the dev-broker's profile file),
 * {@code mw.test.topic}, {@code mw.test.partitions}, {@code mw.test.seed}
 * (the folder the topic was seeded from), {@code mw.test.workdir} (a
 * scratch folder) and {@code mw.test.example.classpath} (the class path that
 * runs examples/Consume.java).
 */
public final class BindingTest {
    /** Maximum time a test waits for one consumer run before it stops the run. */
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(90);

    private static final Map<String, Class<? extends RecordException>> ERROR_CLASSES = Map.of(
            "malformed_message", MalformedMessageException.class,
            "unsupported_envelope", UnsupportedEnvelopeException.class,
            "envelope_decode", EnvelopeDecodeException.class,
            "payload_decode", PayloadDecodeException.class);

    private static final Map<String, Status> ERROR_STATUSES = Map.of(
            "malformed_message", Status.MALFORMED_MESSAGE,
            "unsupported_envelope", Status.UNSUPPORTED_ENVELOPE,
            "envelope_decode", Status.ENVELOPE_DECODE,
            "payload_decode", Status.PAYLOAD_DECODE);

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "test run timeout");
        thread.setDaemon(true);
        return thread;
    });

    public static void main(String[] args) {
        BindingTest tests = new BindingTest();
        TestHarness harness = new TestHarness();

        harness.test("library version matches header", tests::libraryVersionMatchesHeader);
        harness.test("decoding vectors all pass", tests::decodingVectorsAllPass);
        harness.test("decode system record is empty", tests::decodeSystemRecordIsEmpty);
        harness.test("decode errors carry status", tests::decodeErrorsCarryStatus);
        harness.test("status codes map to classes", tests::statusCodesMapToClasses);
        harness.test("profile round trips", tests::profileRoundTrips);
        harness.test("bad profile names the field", tests::badProfileNamesTheField);
        harness.test("missing profile file is FileReadException", tests::missingProfileFileIsFileReadException);
        harness.test("consumer argument errors", tests::consumerArgumentErrors);
        harness.test("unreachable broker is KafkaException", tests::unreachableBrokerIsKafkaException);
        harness.test("consume delivers every event once", tests::consumeDeliversEveryEventOnce);
        harness.test("stop before run returns at once", tests::stopBeforeRunReturnsAtOnce);
        harness.test("failing handler leaves event uncommitted", tests::failingHandlerLeavesEventUncommitted);
        harness.test("unchecked handler exception wrapped", tests::uncheckedHandlerExceptionWrapped);
        harness.test("handler Error rethrown as is", tests::handlerErrorRethrownAsIs);
        harness.test("second run rejected while running", tests::secondRunRejectedWhileRunning);
        harness.test("close from handler ends run", tests::closeFromHandlerEndsRun);
        harness.test("example prints max events", tests::examplePrintsMaxEvents);
        harness.test("example commits on SIGTERM", tests::exampleCommitsOnSigterm);

        System.exit(harness.finish());
    }

    // MARK: - Library and decoding

    void libraryVersionMatchesHeader() {
        String version = MisterWebhooks.version();
        check(version.matches("0\\.[0-9]+\\.[0-9]+"), "version " + version + " is not 0.MINOR.PATCH");
    }

    void decodingVectorsAllPass() throws IOException {
        Path folder = requiredPath("mw.test.vectors", "no decoding vectors folder given");
        Path file = folder.resolve("envelopes.jsonl");
        if (!Files.isRegularFile(file)) {
            throw new TestHarness.Skipped("no decoding vectors at " + file);
        }

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .filter(line -> !line.isBlank())
                .collect(Collectors.toList());
        int passed = 0;
        int headerValuesWithNul = 0;
        List<String> failures = new ArrayList<>();
        for (String line : lines) {
            @SuppressWarnings("unchecked")
            Map<String, Object> vector = (Map<String, Object>) Json.parse(line);
            String problem;
            try {
                problem = checkVector(vector, folder);
            } catch (RuntimeException error) {
                problem = "checker threw " + error;
            }

            if (problem == null) {
                passed++;
                if (vector.get("expect").toString().indexOf('\0') >= 0) {
                    headerValuesWithNul++;
                }
            } else {
                failures.add(vector.get("name") + ": " + problem);
            }
        }

        failures.stream().limit(20).forEach(failure -> System.out.println("      vector " + failure));
        System.out.println("      " + passed + " of " + lines.size() + " decoding vectors passed");
        checkEqual(lines.size(), passed, "vectors passed");
        check(headerValuesWithNul > 0, "no vector with a NUL in an expected value passed");
    }

    /** Decodes one vector and returns how it differs from its expectation, or null. */
    private static String checkVector(Map<String, Object> vector, Path folder) throws IOException {
        byte[] envelope = firstEnvelopeHeader(vector);
        Object valueField = vector.get("value");
        byte[] value = valueField == Json.NULL ? null : Base64.getDecoder().decode((String) valueField);
        long timestampMs = ((BigInteger) vector.get("timestamp_ms")).longValueExact();
        @SuppressWarnings("unchecked")
        Map<String, Object> expect = (Map<String, Object>) vector.get("expect");
        String result = (String) expect.get("result");

        Optional<WebhookEvent> decoded;
        try {
            decoded = MisterWebhooks.decode(envelope, value, timestampMs);
        } catch (MisterWebhooksException error) {
            return checkDecodeError(expect, result, error);
        }

        if (result.equals("error")) {
            return "expected error " + expect.get("error") + ", got " + (decoded.isPresent() ? "an event" : "skip");
        }
        if (result.equals("skip")) {
            return decoded.isEmpty() ? null : "expected skip, got an event";
        }
        if (decoded.isEmpty()) {
            return "expected an event, got skip";
        }
        return checkEvent(expect, decoded.get(), timestampMs, folder);
    }

    private static byte[] firstEnvelopeHeader(Map<String, Object> vector) {
        for (Object header : (List<?>) vector.get("headers")) {
            List<?> pair = (List<?>) header;
            if (pair.get(0).equals("envelope")) {
                return pair.get(1) == Json.NULL ? null : hex((String) pair.get(1));
            }
        }
        return null;
    }

    private static String checkDecodeError(Map<String, Object> expect, String result, MisterWebhooksException error) {
        if (!result.equals("error")) {
            return "expected " + result + ", got " + error.getClass().getSimpleName() + ": " + error.getMessage();
        }

        String kind = (String) expect.get("error");
        if (error.status() != ERROR_STATUSES.get(kind) || error.statusCode() != ERROR_STATUSES.get(kind).code()) {
            return "expected status " + ERROR_STATUSES.get(kind) + ", got " + error.status() + ": " + error.getMessage();
        }
        if (error.getClass() != ERROR_CLASSES.get(kind)) {
            return "expected " + ERROR_CLASSES.get(kind).getSimpleName() + ", got " + error.getClass().getSimpleName();
        }
        if (error.getMessage() == null || error.getMessage().isEmpty()) {
            return "error has an empty message";
        }
        if (!"".equals(error.topic()) || error.partition() != -1 || error.offset() != -1) {
            return "decode error has record coordinates " + error.topic() + "/" + error.partition() + "/"
                    + error.offset();
        }
        return null;
    }

    private static String checkEvent(Map<String, Object> expect, WebhookEvent event, long timestampMs, Path folder)
            throws IOException {
        if (!expect.get("method").equals(event.method().name())) {
            return "method: expected " + expect.get("method") + ", got " + event.method();
        }
        if (!expect.get("encoding").equals(event.encoding().name())) {
            return "encoding: expected " + expect.get("encoding") + ", got " + event.encoding();
        }
        List<List<Object>> headers = new ArrayList<>();
        for (Map.Entry<String, List<String>> entry : event.headers()) {
            headers.add(List.of(entry.getKey(), entry.getValue()));
        }
        if (!expect.get("headers").equals(headers)) {
            return "headers: expected " + expect.get("headers") + ", got " + headers;
        }
        if (event.timestampMs() != timestampMs) {
            return "timestamp_ms: expected " + timestampMs + ", got " + event.timestampMs();
        }
        if (!event.topic().isEmpty() || event.partition() != -1 || event.offset() != -1 || event.key() != null) {
            return "decoded event has record coordinates or a key";
        }

        Object want = expectedPayload(expect, folder);
        Object have;
        try {
            have = Json.parse(event.payloadJson());
        } catch (IllegalArgumentException error) {
            return "payload JSON does not parse: " + error.getMessage();
        }
        if (!Json.same(want, have)) {
            return "payload differs: got " + abbreviate(event.payloadJson());
        }
        return null;
    }

    private static Object expectedPayload(Map<String, Object> expect, Path folder) throws IOException {
        if (expect.containsKey("payload_file")) {
            return Json.parse(readJsonFile(folder.resolve((String) expect.get("payload_file"))));
        }
        Object payload = expect.get("payload");
        if (payload instanceof Map && ((Map<?, ?>) payload).keySet().equals(Set.of("$json_text"))) {
            return Json.parse((String) ((Map<?, ?>) payload).get("$json_text"));
        }
        return payload;
    }

    void decodeSystemRecordIsEmpty() {
        for (int envelope = 0x00; envelope <= 0x7F; envelope += 0x3F) {
            Optional<WebhookEvent> event = MisterWebhooks.decode(new byte[] {(byte) envelope}, new byte[] {1, 2}, 0);
            check(event.isEmpty(), "envelope " + envelope + " gave an event");
        }
    }

    void decodeErrorsCarryStatus() {
        MalformedMessageException missing = expectThrows(MalformedMessageException.class,
                () -> MisterWebhooks.decode(null, new byte[] {0}, 0));
        checkEqual(Status.MALFORMED_MESSAGE, missing.status(), "status without envelope");
        checkEqual(10, missing.statusCode(), "status code without envelope");

        expectThrows(MalformedMessageException.class, () -> MisterWebhooks.decode(new byte[0], new byte[] {0}, 0));
        expectThrows(MalformedMessageException.class,
                () -> MisterWebhooks.decode(new byte[] {(byte) 0x80, 0}, new byte[] {0}, 0));

        UnsupportedEnvelopeException newer = expectThrows(UnsupportedEnvelopeException.class,
                () -> MisterWebhooks.decode(new byte[] {(byte) 0x81}, new byte[] {0}, 0));
        check(newer.getMessage().toLowerCase().contains("upgrade"), "message does not say upgrade: "
                + newer.getMessage());

        EnvelopeDecodeException garbage = expectThrows(EnvelopeDecodeException.class,
                () -> MisterWebhooks.decode(new byte[] {(byte) 0x80}, new byte[] {(byte) 0xFF, 1, 2, 3}, 0));
        check(garbage instanceof DecodeException && garbage instanceof RecordException, "hierarchy of " + garbage);
        checkEqual("", garbage.topic(), "topic of a decode error");
        checkEqual(-1, garbage.partition(), "partition of a decode error");
        checkEqual(-1L, garbage.offset(), "offset of a decode error");
        expectThrows(EnvelopeDecodeException.class, () -> MisterWebhooks.decode(new byte[] {(byte) 0x80}, null, 0));
    }

    void statusCodesMapToClasses() {
        Map<Integer, Class<?>> expected = new HashMap<>();
        expected.put(1, InvalidArgumentException.class);
        expected.put(2, FileReadException.class);
        expected.put(3, ProfileException.class);
        expected.put(4, KafkaException.class);
        expected.put(5, AuthenticationException.class);
        expected.put(10, MalformedMessageException.class);
        expected.put(11, UnsupportedEnvelopeException.class);
        expected.put(12, EnvelopeDecodeException.class);
        expected.put(13, PayloadDecodeException.class);
        expected.put(20, HandlerException.class);
        expected.put(99, MisterWebhooksException.class);

        MisterWebhooksLibrary library = LibraryLoader.library();
        for (Map.Entry<Integer, Class<?>> entry : expected.entrySet()) {
            int code = entry.getKey();
            MisterWebhooksException error = MisterWebhooksException.forStatus(code, "message", "t", 1, 2, null);
            checkEqual(entry.getValue(), error.getClass(), "class of status " + code);
            checkEqual(code, error.statusCode(), "status code");
            checkEqual(library.mw_status_name(code), error.status().cName(), "name of status " + code);
            checkEqual("t", error.topic(), "topic");
            checkEqual(1, error.partition(), "partition");
            checkEqual(2L, error.offset(), "offset");
        }
        check(MisterWebhooksException.forStatus(5, "m", null, -1, -1, null) instanceof KafkaException,
                "AuthenticationException is not a KafkaException");
        checkEqual(Status.UNKNOWN, Status.fromCode(99), "status of an unknown code");
    }

    // MARK: - Profiles and argument errors

    void profileRoundTrips() {
        ConnectionProfile profile = ConnectionProfile.fromJson("{\"consumer_name\": \"acme \\\"prod\\\"\","
                + " \"auth\": {\"mechanism\": \"plain\", \"secret\": \"s3cr3t-value\"},"
                + " \"kafka\": {\"servers\": [\"a.example:9093\", \"b.example:9093\"],"
                + " \"security_protocol\": \"SASL_PLAINTEXT\"}}");
        checkEqual("acme \"prod\"", profile.consumerName(), "consumer name");
        checkEqual("plain", profile.authMechanism(), "mechanism");
        checkEqual("s3cr3t-value", profile.authSecret(), "secret");
        checkEqual("a.example:9093,b.example:9093", profile.kafkaBootstrap(), "bootstrap");
        checkEqual("SASL_PLAINTEXT", profile.securityProtocol(), "security protocol");
        checkEqual(null, profile.sslCaLocation(), "CA location");
        checkEqual(profile, ConnectionProfile.fromJson(profile.toJson()), "profile after toJson");
        check(!profile.toString().contains("s3cr3t-value"), "toString shows the secret: " + profile);

        ConnectionProfile plaintext = ConnectionProfile.fromJson(
                "{\"consumer_name\": \"c\", \"kafka\": {\"bootstrap\": \"127.0.0.1:9\", \"security_protocol\": \"PLAINTEXT\"}}");
        checkEqual(null, plaintext.authMechanism(), "mechanism without auth");
        checkEqual(null, plaintext.authSecret(), "secret without auth");
        checkEqual(plaintext, ConnectionProfile.fromJson(plaintext.toJson()), "profile without auth after toJson");
        checkEqual("SASL_SSL", ConnectionProfile.fromJson(
                "{\"consumer_name\": \"c\", \"auth\": {\"mechanism\": \"plain\", \"secret\": \"x\"},"
                + " \"kafka\": {\"bootstrap\": \"h:1\"}}").securityProtocol(), "default security protocol");
    }

    void badProfileNamesTheField() throws IOException {
        Path file = workdir().resolve("bad-profile.json");
        Files.writeString(file, "{\"consumer_name\": \"c\", \"auth\": {\"mechanism\": \"plain\", \"secret\":"
                + " \"s3cr3t-value\"}, \"kafka\": {\"bootstrap\": 5}}");

        ProfileException error = expectThrows(ProfileException.class, () -> ConnectionProfile.fromFile(file));
        checkEqual(Status.PROFILE, error.status(), "status");
        check(error.getMessage().contains("bootstrap"), "message does not name the field: " + error.getMessage());
        check(error.getMessage().contains(file.toString()), "message does not name the file: " + error.getMessage());
        check(!error.getMessage().contains("s3cr3t-value"), "message shows the secret: " + error.getMessage());
        checkEqual(null, error.topic(), "topic of a profile error");
        checkEqual(-1, error.partition(), "partition of a profile error");
        checkEqual(-1L, error.offset(), "offset of a profile error");

        ProfileException notJson = expectThrows(ProfileException.class, () -> ConnectionProfile.fromJson("{"));
        checkEqual(Status.PROFILE, notJson.status(), "status for text that is not JSON");
        ProfileException missing = expectThrows(ProfileException.class,
                () -> ConnectionProfile.fromJson("{\"kafka\": {\"bootstrap\": \"h:1\"}}"));
        check(missing.getMessage().contains("consumer_name"), "message does not name consumer_name: "
                + missing.getMessage());
    }

    void missingProfileFileIsFileReadException() {
        Path file = workdir().resolve("no-such-profile.json");
        FileReadException error = expectThrows(FileReadException.class, () -> ConnectionProfile.fromFile(file));
        checkEqual(Status.IO, error.status(), "status");
        check(error.getMessage().contains(file.toString()), "message does not name the file: " + error.getMessage());
    }

    void consumerArgumentErrors() {
        ConnectionProfile profile = ConnectionProfile.fromJson(
                "{\"consumer_name\": \"c\", \"kafka\": {\"bootstrap\": \"127.0.0.1:9\", \"security_protocol\": \"PLAINTEXT\"}}");

        InvalidArgumentException empty = expectThrows(InvalidArgumentException.class,
                () -> new MisterWebhooksConsumer("", profile));
        checkEqual(Status.INVALID_ARGUMENT, empty.status(), "status for an empty topic");
        expectThrows(InvalidArgumentException.class, () -> new MisterWebhooksConsumer("a\0b", profile));

        try (MisterWebhooksConsumer consumer = new MisterWebhooksConsumer("topic", profile)) {
            consumer.setOption("session.timeout.ms", "6000");
            consumer.setOption("mw.poll.interval.ms", "50");
            expectThrows(InvalidArgumentException.class, () -> consumer.setOption("mw.poll.interval.ms", "-5"));
            expectThrows(InvalidArgumentException.class, () -> consumer.setOption("mw.no.such.option", "1"));
            KafkaException unknown = expectThrows(KafkaException.class,
                    () -> consumer.setOption("no.such.property", "1"));
            check(unknown.getMessage().contains("no.such.property"), "message does not name the key: "
                    + unknown.getMessage());
            expectThrows(NullPointerException.class, () -> consumer.run(null));
        }
    }

    void unreachableBrokerIsKafkaException() {
        ConnectionProfile profile = ConnectionProfile.fromJson("{\"consumer_name\": \"unreachable\","
                + " \"kafka\": {\"bootstrap\": \"127.0.0.1:1\", \"security_protocol\": \"PLAINTEXT\"}}");
        try (MisterWebhooksConsumer consumer = new MisterWebhooksConsumer("topic", profile)) {
            consumer.setOption("mw.broker.timeout.ms", "1500");
            long start = System.nanoTime();
            KafkaException error = expectThrows(KafkaException.class, () -> consumer.run(event -> { }));
            checkEqual(Status.KAFKA, error.status(), "status");
            check(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20), "run took longer than 20 s");
        }
    }

    // MARK: - Consuming the dev-broker topic

    void consumeDeliversEveryEventOnce() throws Exception {
        Map<String, Sample> samples = loadSamples();
        List<WebhookEvent> events = Collections.synchronizedList(new ArrayList<>());
        Thread runThread = Thread.currentThread();
        AtomicReference<Thread> otherThread = new AtomicReference<>();
        CountDownLatch allArrived = new CountDownLatch(samples.size());

        try (MisterWebhooksConsumer consumer = new MisterWebhooksConsumer(topic(), freshProfile("consume"))) {
            Thread stopper = new Thread(() -> {
                try {
                    allArrived.await(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                    Thread.sleep(1000); // time for a duplicate to arrive
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
                consumer.stop();
            }, "stopper");
            stopper.start();

            consumer.run(event -> {
                if (Thread.currentThread() != runThread) {
                    otherThread.set(Thread.currentThread());
                }
                events.add(event);
                allArrived.countDown();
                if (events.size() % 25 == 0) {
                    System.gc(); // the run's callback must survive collections
                }
            });
            stopper.join();
        }

        checkEqual(null, otherThread.get(), "thread other than run's caller");
        checkEqual(samples.size(), events.size(), "events received");
        Set<String> seenKeys = new HashSet<>();
        Set<String> seenOffsets = new HashSet<>();
        int partitions = Integer.getInteger("mw.test.partitions", 1);
        for (WebhookEvent event : events) {
            checkEqual(topic(), event.topic(), "topic");
            check(event.partition() >= 0 && event.partition() < partitions, "partition " + event.partition());
            check(event.offset() >= 0, "offset " + event.offset());
            check(seenOffsets.add(event.partition() + "/" + event.offset()), "record delivered twice: " + event);
            check(Math.abs(event.timestampMs() - System.currentTimeMillis()) < 3_600_000L,
                    "timestamp far from now: " + event.timestamp());

            String key = new String(event.key(), StandardCharsets.UTF_8);
            Sample sample = samples.get(key);
            check(sample != null, "key " + key + " names no seed file");
            check(seenKeys.add(key), "sample " + key + " delivered twice");
            checkSampleEvent(sample, event);
        }
    }

    private static void checkSampleEvent(Sample sample, WebhookEvent event) throws IOException {
        String context = sample.relativePath + ": ";
        checkEqual(HttpMethod.POST, event.method(), context + "method");
        checkEqual(sample.encoding, event.encoding(), context + "encoding");
        checkEqual(sample.headers, event.headers(), context + "headers");
        checkEqual(List.of(sample.relativePath), event.headerMap().get("X-Sample-File"), context + "X-Sample-File");
        checkEqual(List.of(sample.relativePath), event.headerValues("x-sample-file"), context + "x-sample-file");

        String fileText = readJsonFile(sample.file);
        check(Json.same(Json.parse(fileText), Json.parse(event.payloadJson())),
                context + "payload differs: " + abbreviate(event.payloadJson()));
        if (sample.encoding == PayloadEncoding.JSON) {
            check(Arrays.equals(Files.readAllBytes(sample.file), event.payloadBytes()), context + "raw JSON payload");
        }
    }

    void stopBeforeRunReturnsAtOnce() {
        try (MisterWebhooksConsumer consumer = new MisterWebhooksConsumer(topic(), freshProfile("stopped"))) {
            List<WebhookEvent> events = new ArrayList<>();
            consumer.stop();
            long start = System.nanoTime();
            consumer.run(events::add);
            check(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2), "run after stop did not return at once");
            checkEqual(0, events.size(), "events after stop");
        }
    }

    void failingHandlerLeavesEventUncommitted() throws Exception {
        ConnectionProfile profile = freshProfile("failing");
        List<WebhookEvent> handled = new ArrayList<>();
        IOException thrown = new IOException("handler failed on the third event");

        HandlerException error;
        try (MisterWebhooksConsumer consumer = new MisterWebhooksConsumer(topic(), profile)) {
            consumer.setOption("session.timeout.ms", "6000");
            error = expectThrows(HandlerException.class, () -> runWithTimeout(consumer, event -> {
                handled.add(event);
                if (handled.size() == 3) {
                    throw thrown;
                }
            }));
        }

        checkEqual(3, handled.size(), "events handled");
        WebhookEvent third = handled.get(2);
        check(error.getCause() == thrown, "cause is not the handler's exception: " + error.getCause());
        checkEqual(Status.HANDLER, error.status(), "status");
        checkEqual(third.topic(), error.topic(), "topic of the handler error");
        checkEqual(third.partition(), error.partition(), "partition of the handler error");
        checkEqual(third.offset(), error.offset(), "offset of the handler error");
        check(error.getMessage().contains(thrown.getMessage()), "message lacks the cause: " + error.getMessage());

        List<WebhookEvent> redelivered = new ArrayList<>();
        try (MisterWebhooksConsumer consumer = new MisterWebhooksConsumer(topic(), profile)) {
            consumer.setOption("session.timeout.ms", "6000");
            runWithTimeout(consumer, event -> {
                redelivered.add(event);
                if (event.partition() == third.partition()) {
                    consumer.stop();
                }
            });
        }

        check(!redelivered.isEmpty(), "the group's next consumer received nothing");
        WebhookEvent first = redelivered.get(redelivered.size() - 1);
        checkEqual(third.partition(), first.partition(), "partition of the next consumer's event");
        checkEqual(third.offset(), first.offset(), "offset where the next consumer starts");
        checkEqual(third, first, "event the next consumer starts with");
        for (WebhookEvent event : redelivered) {
            for (WebhookEvent accepted : handled.subList(0, 2)) {
                check(event.partition() != accepted.partition() || event.offset() != accepted.offset(),
                        "accepted event delivered again: " + event);
            }
        }
    }

    void uncheckedHandlerExceptionWrapped() {
        IllegalStateException thrown = new IllegalStateException("unchecked failure");
        AtomicReference<WebhookEvent> failed = new AtomicReference<>();
        AtomicInteger calls = new AtomicInteger();
        try (MisterWebhooksConsumer consumer = new MisterWebhooksConsumer(topic(), freshProfile("unchecked"))) {
            HandlerException error = expectThrows(HandlerException.class, () -> runWithTimeout(consumer, event -> {
                failed.set(event);
                calls.incrementAndGet();
                throw thrown;
            }));
            checkEqual(1, calls.get(), "handler calls after the handler threw");
            check(error.getCause() == thrown, "cause is not the handler's exception: " + error.getCause());
            checkEqual(failed.get().partition(), error.partition(), "partition");
            checkEqual(failed.get().offset(), error.offset(), "offset");
        }
    }

    void handlerErrorRethrownAsIs() {
        AssertionError thrown = new AssertionError("handler assertion");
        AtomicReference<WebhookEvent> failed = new AtomicReference<>();
        AtomicInteger calls = new AtomicInteger();
        try (MisterWebhooksConsumer consumer = new MisterWebhooksConsumer(topic(), freshProfile("error"))) {
            AssertionError error = expectThrows(AssertionError.class, () -> runWithTimeout(consumer, event -> {
                failed.set(event);
                calls.incrementAndGet();
                throw thrown;
            }));
            checkEqual(1, calls.get(), "handler calls after the handler threw");
            check(error == thrown, "a different Error was thrown: " + error);
            checkEqual(1, error.getSuppressed().length, "suppressed exceptions");
            HandlerException handlerError = (HandlerException) error.getSuppressed()[0];
            checkEqual(failed.get().partition(), handlerError.partition(), "partition");
            checkEqual(failed.get().offset(), handlerError.offset(), "offset");
        }
    }

    void secondRunRejectedWhileRunning() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Throwable> runFailure = new AtomicReference<>();

        try (MisterWebhooksConsumer consumer = new MisterWebhooksConsumer(topic(), freshProfile("busy"))) {
            Thread runner = new Thread(() -> {
                try {
                    runWithTimeout(consumer, event -> {
                        started.countDown();
                        release.await(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                        consumer.stop();
                    });
                } catch (Throwable error) {
                    runFailure.set(error);
                }
            }, "runner");
            runner.start();

            check(started.await(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "no event arrived");
            try {
                expectThrows(InvalidArgumentException.class, () -> consumer.run(event -> { }));
                expectThrows(InvalidArgumentException.class, () -> consumer.setOption("session.timeout.ms", "6000"));
                check(consumer.toString().contains("running"), "toString: " + consumer);
            } finally {
                release.countDown();
                runner.join();
            }
        }
        checkEqual(null, runFailure.get(), "failure of the first run");
    }

    void closeFromHandlerEndsRun() {
        MisterWebhooksConsumer consumer = new MisterWebhooksConsumer(topic(), freshProfile("close"));
        List<WebhookEvent> events = new ArrayList<>();
        runWithTimeout(consumer, event -> {
            events.add(event);
            consumer.close();
        });

        checkEqual(1, events.size(), "events handled");
        check(consumer.toString().contains("closed"), "toString: " + consumer);
        expectThrows(InvalidArgumentException.class, () -> consumer.run(event -> { }));
        expectThrows(InvalidArgumentException.class, () -> consumer.setOption("session.timeout.ms", "6000"));
        consumer.stop();
        consumer.close();
    }

    // MARK: - The example

    void examplePrintsMaxEvents() throws Exception {
        Path profile = workdir().resolve("example-profile.json");
        Files.writeString(profile, freshProfile("example").toJson());

        Process process = startExample(profile, "5");
        check(process.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS), "example did not finish");
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String stderr = Files.readString(exampleStderr());

        checkEqual(0, process.exitValue(), "exit status (stderr: " + stderr + ")");
        List<String> lines = stdout.lines().collect(Collectors.toList());
        checkEqual(5, lines.size(), "lines printed: " + stdout);
        for (String line : lines) {
            check(line.matches(topic() + " partition \\d+ offset \\d+: POST (JSON|CBOR), \\d+ headers, .*"),
                    "unexpected line: " + line);
        }
        check(stderr.contains("handled 5 events"), "stderr: " + stderr);
    }

    void exampleCommitsOnSigterm() throws Exception {
        int total = loadSamples().size();
        Path profilePath = workdir().resolve("sigterm-profile.json");
        ConnectionProfile profile = freshProfile("sigterm");
        Files.writeString(profilePath, profile.toJson());

        // SIGTERM right after the last event, before librdkafka's periodic commit (every 5 s), so only
        // the commit at the end of the run stores the last offsets.
        Process process = startExample(profilePath);
        int printed = 0;
        try (var reader = process.inputReader(StandardCharsets.UTF_8)) {
            while (printed < total && reader.readLine() != null) {
                printed++;
            }
            process.destroy();
            check(process.waitFor(30, TimeUnit.SECONDS), "example did not exit after SIGTERM");
        } finally {
            process.destroyForcibly();
        }
        String stderr = Files.readString(exampleStderr());
        checkEqual(total, printed, "lines printed before SIGTERM (stderr: " + stderr + ")");
        check(stderr.contains("handled " + total + " events"), "stderr: " + stderr);

        List<WebhookEvent> again = new ArrayList<>();
        try (MisterWebhooksConsumer consumer = new MisterWebhooksConsumer(topic(), profile)) {
            consumer.setOption("session.timeout.ms", "6000");
            runWithTimeout(consumer, again::add, Duration.ofSeconds(8));
        }
        checkEqual(List.of(), again, "events delivered again after the example committed");
    }

    private Process startExample(Path profile, String... extraArguments) throws IOException {
        String classpath = System.getProperty("mw.test.example.classpath");
        if (classpath == null) {
            throw new TestHarness.Skipped("no mw.test.example.classpath given");
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
                "-D" + LibraryLoader.LIBRARY_PROPERTY + "=" + System.getProperty(LibraryLoader.LIBRARY_PROPERTY, ""),
                "Consume", topic(), profile.toString()));
        command.addAll(List.of(extraArguments));
        return new ProcessBuilder(command).redirectError(exampleStderr().toFile()).start();
    }

    private static Path exampleStderr() {
        return workdir().resolve("example.stderr");
    }

    // MARK: - Helpers

    /** Runs {@code consumer}, stopping it after {@code RUN_TIMEOUT} so a missing event fails instead of hanging. */
    private void runWithTimeout(MisterWebhooksConsumer consumer, EventHandler handler) {
        runWithTimeout(consumer, handler, RUN_TIMEOUT);
    }

    private void runWithTimeout(MisterWebhooksConsumer consumer, EventHandler handler, Duration timeout) {
        ScheduledFuture<?> stop = timer.schedule(consumer::stop, timeout.toMillis(), TimeUnit.MILLISECONDS);
        try {
            consumer.run(handler);
        } finally {
            stop.cancel(false);
        }
    }

    /** One seed file of the dev-broker topic and the event it must become. */
    private static final class Sample {
        final String relativePath;
        final Path file;
        final PayloadEncoding encoding;
        final List<Map.Entry<String, List<String>>> headers;

        Sample(String relativePath, Path file, PayloadEncoding encoding, List<Map.Entry<String, List<String>>> headers) {
            this.relativePath = relativePath;
            this.file = file;
            this.encoding = encoding;
            this.headers = headers;
        }
    }

    /**
     * Lists the seed files as dev-broker publishes them: in path order, JSON
     * and CBOR in turn, with the headers of FILE.headers (or a JSON content
     * type) and X-Sample-File, keyed by the relative path.
     */
    private static Map<String, Sample> loadSamples() throws IOException {
        Path seed = requiredPath("mw.test.seed", "no dev-broker seed folder given");
        List<String> paths;
        try (Stream<Path> files = Files.walk(seed)) {
            paths = files.filter(path -> path.getFileName().toString().endsWith(".json") && Files.isRegularFile(path))
                    .map(path -> seed.relativize(path).toString())
                    .sorted()
                    .collect(Collectors.toList());
        }

        Map<String, Sample> samples = new HashMap<>();
        for (int index = 0; index < paths.size(); index++) {
            String relativePath = paths.get(index);
            Path file = seed.resolve(relativePath);
            PayloadEncoding encoding = index % 2 == 0 ? PayloadEncoding.JSON : PayloadEncoding.CBOR;
            samples.put(relativePath, new Sample(relativePath, file, encoding, sampleHeaders(file, relativePath)));
        }
        return samples;
    }

    private static List<Map.Entry<String, List<String>>> sampleHeaders(Path file, String relativePath)
            throws IOException {
        Map<String, List<String>> merged = new java.util.LinkedHashMap<>();
        Path headerFile = Path.of(file + ".headers");
        if (Files.isRegularFile(headerFile)) {
            for (String line : Files.readString(headerFile).split("\n")) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String value = line.substring(colon + 1).replaceFirst("^ +", "");
                merged.computeIfAbsent(line.substring(0, colon), name -> new ArrayList<>()).add(value);
            }
        } else {
            merged.put("Content-Type", List.of("application/json"));
        }
        merged.put("X-Sample-File", List.of(relativePath));

        List<Map.Entry<String, List<String>>> headers = new ArrayList<>();
        merged.forEach((name, values) -> headers.add(Map.entry(name, List.copyOf(values))));
        return headers;
    }

    private static ConnectionProfile freshProfile(String purpose) {
        Path profile = requiredPath("mw.test.profile", "no dev-broker profile given; run bindings/java/test.sh");
        String group = "java-" + purpose + "-" + UUID.randomUUID().toString().substring(0, 8);
        return ConnectionProfile.fromFile(profile).withConsumerName(group);
    }

    private static String topic() {
        String topic = System.getProperty("mw.test.topic");
        if (topic == null) {
            throw new TestHarness.Skipped("no dev-broker topic given; run bindings/java/test.sh");
        }
        return topic;
    }

    private static Path workdir() {
        return Path.of(System.getProperty("mw.test.workdir", System.getProperty("java.io.tmpdir")));
    }

    private static Path requiredPath(String property, String reason) {
        String value = System.getProperty(property);
        if (value == null || value.isEmpty()) {
            throw new TestHarness.Skipped(reason + " (system property " + property + ")");
        }
        return Path.of(value);
    }

    /** Reads a JSON file as UTF-8 without a leading byte order mark, as Python's json module does. */
    private static String readJsonFile(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    private static byte[] hex(String text) {
        byte[] bytes = new byte[text.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(text.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
