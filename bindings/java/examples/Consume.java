import com.misterwebhooks.ConnectionProfile;
import com.misterwebhooks.MisterWebhooksConsumer;
import com.misterwebhooks.MisterWebhooksException;
import com.misterwebhooks.WebhookEvent;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Prints one line per webhook event of a Mister Webhooks topic until Ctrl-C,
 * or until MAX_EVENTS events have been handled. Offsets are committed for
 * every printed event.
 *
 * <pre>
 * java -cp build/java/misterwebhooks.jar:/usr/share/java/jna.jar:build/java/examples \
 *     Consume TOPIC PROFILE [MAX_EVENTS]
 * </pre>
 */
public final class Consume {
    private static long handled;

    public static void main(String[] args) {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: Consume TOPIC PROFILE [MAX_EVENTS]");
            System.exit(64);
        }
        long maxEvents = args.length == 3 ? Long.parseLong(args[2]) : 0;

        CountDownLatch finished = new CountDownLatch(1);
        int exitStatus;
        try {
            exitStatus = consume(args[0], Path.of(args[1]), maxEvents, finished);
        } finally {
            System.err.println("handled " + handled + " events");
            finished.countDown();
        }
        if (exitStatus != 0) {
            System.exit(exitStatus);
        }
    }

    private static int consume(String topic, Path profilePath, long maxEvents, CountDownLatch finished) {
        try (MisterWebhooksConsumer consumer = new MisterWebhooksConsumer(topic, ConnectionProfile.fromFile(profilePath))) {
            // Ctrl-C runs the shutdown hooks while run() still blocks the main thread, and the JVM halts
            // when they return. So the hook stops the run and waits until it has committed.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                consumer.stop();
                awaitQuietly(finished);
            }));

            consumer.run(event -> {
                print(event);
                handled++;
                if (handled == maxEvents) {
                    consumer.stop();
                }
            });
            return 0;
        } catch (MisterWebhooksException error) {
            System.err.println(error.status().cName() + ": " + error.getMessage());
            return 1;
        }
    }

    private static void print(WebhookEvent event) {
        String payload = event.payloadJson();
        int lineEnd = payload.indexOf('\n');
        String firstLine = payload.substring(0, Math.min(lineEnd < 0 ? payload.length() : lineEnd, 60));
        System.out.printf("%s partition %d offset %d: %s %s, %d headers, %d characters of JSON: %s%n",
                event.topic(), event.partition(), event.offset(), event.method(), event.encoding(),
                event.headers().size(), payload.length(), firstLine);
        System.out.flush();
    }

    private static void awaitQuietly(CountDownLatch finished) {
        try {
            // Longer than the library's default final commit timeout ("mw.commit.timeout.ms", 10 s).
            finished.await(15, TimeUnit.SECONDS);
        } catch (InterruptedException error) {
            Thread.currentThread().interrupt();
        }
    }
}
