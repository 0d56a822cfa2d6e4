//! Helpers shared by the integration tests: paths, temporary folders, and
//! dev-brokers (librdkafka's mock Kafka cluster run by `mister-webhooks
//! dev-broker` on 127.0.0.1).
#![allow(dead_code)]

pub mod json;

use std::env;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use misterwebhooks::{Consumer, Profile, StopHandle};

/// How long a test waits for a consumer to receive the events it expects.
pub const CONSUME_TIMEOUT: Duration = Duration::from_secs(60);

pub fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root exists")
}

/// Returns the path of the `mister-webhooks` tool: `$MISTER_WEBHOOKS_TOOL`, or the repository's build/bin.
pub fn tool_path() -> PathBuf {
    env::var_os("MISTER_WEBHOOKS_TOOL")
        .map(PathBuf::from)
        .unwrap_or_else(|| repository_root().join("build/bin/mister-webhooks"))
}

/// Returns the folder of shared test data: `$MW_SHARED_DIR`, or the folder `shared` beside the repository.
pub fn shared_dir() -> PathBuf {
    env::var_os("MW_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repository_root().join("../shared"))
}

pub fn samples_dir() -> PathBuf {
    repository_root().join("examples/samples")
}

/// Returns a name no other test of this run uses.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.subsec_nanos())
        .unwrap_or(0);
    format!(
        "rust-{prefix}-{}-{}-{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// A temporary folder, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> TempDir {
        let path = env::temp_dir().join(unique_name(prefix));
        fs::create_dir_all(&path).expect("create a temporary folder");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

extern "C" {
    // From the C library, which every Rust program on Linux links.
    fn kill(pid: i32, signal: i32) -> i32;
}
const SIGTERM: i32 = 15;

/// A running dev-broker, stopped with SIGTERM when dropped.
pub struct Broker {
    pub topic: String,
    pub bootstrap: String,
    pub profile_path: PathBuf,
    process: Child,
    _workdir: TempDir,
}

impl Broker {
    /// Starts a dev-broker whose topic `topic` has `partitions` partitions
    /// seeded with every *.json file of `seed`, and waits until it is seeded.
    pub fn start(topic: &str, partitions: u32, seed: &Path) -> Broker {
        let workdir = TempDir::new("broker");
        let profile_path = workdir.0.join("profile.json");
        let stderr = fs::File::create(workdir.0.join("broker.err")).expect("create broker.err");
        let tool = tool_path();
        let mut process = Command::new(&tool)
            .args(["dev-broker", "--topic", topic, "--partitions", &partitions.to_string()])
            .arg("--seed")
            .arg(seed)
            .arg("--profile-out")
            .arg(&profile_path)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|error| panic!("cannot start {} dev-broker: {error} (run `make tool`)", tool.display()));

        // The bootstrap address is printed once the topic is seeded.
        let stdout = process.stdout.take().expect("stdout is piped");
        let (sender, receiver) = mpsc::channel();
        thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let line = receiver.recv_timeout(Duration::from_secs(30)).unwrap_or_default();
        let bootstrap = line.trim().to_owned();

        let deadline = Instant::now() + Duration::from_secs(10);
        while !profile_path.is_file() && Instant::now() < deadline {
            thread::sleep(Duration::from_millis(50));
        }
        let broker = Broker {
            topic: topic.to_owned(),
            bootstrap,
            profile_path,
            process,
            _workdir: workdir,
        };
        if !broker.bootstrap.starts_with("127.0.0.1:") || !broker.profile_path.is_file() {
            let log = fs::read_to_string(broker._workdir.0.join("broker.err")).unwrap_or_default();
            panic!("dev-broker did not start (output {line:?}): {log}");
        }
        broker
    }

    /// Returns a profile of this broker whose consumer group is `group`.
    pub fn profile_json(&self, group: &str) -> String {
        format!(
            r#"{{"consumer_name": "{group}", "kafka": {{"bootstrap": "{}", "security_protocol": "PLAINTEXT"}}}}"#,
            self.bootstrap
        )
    }

    /// Creates a consumer of the broker's topic in consumer group `group`, with a
    /// session timeout of 6 s: the mock cluster makes the next member of a
    /// group wait that long after a member left.
    pub fn consumer(&self, group: &str) -> Consumer {
        let profile = Profile::parse(&self.profile_json(group)).expect("test profile parses");
        let mut consumer = Consumer::new(&self.topic, &profile).expect("consumer is created");
        consumer
            .set_option("session.timeout.ms", "6000")
            .expect("session.timeout.ms is accepted");
        consumer
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        unsafe { kill(self.process.id() as i32, SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.process.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(50));
        }
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// Calls [`StopHandle::stop`] after `timeout` unless dropped before, so that
/// a test that receives too few events still ends.
pub struct StopTimer(Option<mpsc::Sender<()>>, Option<thread::JoinHandle<()>>);

impl StopTimer {
    pub fn new(stop: StopHandle, timeout: Duration) -> StopTimer {
        let (sender, receiver) = mpsc::channel::<()>();
        let thread = thread::spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = receiver.recv_timeout(timeout) {
                eprintln!("note: stopping a consumer after {timeout:?}");
                stop.stop();
            }
        });
        StopTimer(Some(sender), Some(thread))
    }
}

impl Drop for StopTimer {
    fn drop(&mut self) {
        drop(self.0.take());
        if let Some(thread) = self.1.take() {
            let _ = thread.join();
        }
    }
}
