"""ConnectionProfile parsing through the library, and hiding the secret."""

from __future__ import annotations

import ctypes
import json
from pathlib import Path

import pytest

import mister_webhooks
from mister_webhooks import ConnectionProfile, FileReadError, ProfileError

pytestmark = pytest.mark.skipif(
    not hasattr(ctypes.CDLL(mister_webhooks.library_path), "mw_profile_parse"),
    reason=f"{mister_webhooks.library_path} has no mw_profile_parse yet",
)

SECRET = "s3cret-value-never-shown"

VALID = {
    "consumer_name": "acme",
    "auth": {"mechanism": "plain", "secret": SECRET},
    "kafka": {"bootstrap": "broker.example:9093"},
}


def test_from_json_reads_every_field() -> None:
    profile = ConnectionProfile.from_json(json.dumps(VALID))
    assert profile.consumer_name == "acme"
    assert profile.auth_mechanism == "plain"
    assert profile.auth_secret == SECRET
    assert profile.kafka_bootstrap == "broker.example:9093"
    assert profile.kafka_servers == ["broker.example:9093"]
    assert profile.security_protocol == "SASL_SSL"
    assert profile.ssl_ca_location is None


def test_from_file_reads_servers_list(tmp_path: Path) -> None:
    document = dict(VALID, kafka={"servers": ["a.example:9093", "b.example:9093"], "ssl_ca_location": "/ca.pem"})
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(document))

    profile = ConnectionProfile.from_file(path)
    assert profile.kafka_bootstrap == "a.example:9093,b.example:9093"
    assert profile.kafka_servers == ["a.example:9093", "b.example:9093"]
    assert profile.ssl_ca_location == "/ca.pem"


def test_to_json_round_trips() -> None:
    document = dict(VALID, kafka={"bootstrap": "h:1", "security_protocol": "SASL_PLAINTEXT", "ssl_ca_location": "/c"})
    profile = ConnectionProfile.from_json(json.dumps(document))
    assert ConnectionProfile.from_json(profile.to_json()) == profile


def test_profile_without_auth_for_plaintext() -> None:
    profile = ConnectionProfile.from_json(
        json.dumps({"consumer_name": "dev", "kafka": {"bootstrap": "127.0.0.1:9092", "security_protocol": "PLAINTEXT"}})
    )
    assert profile.auth_mechanism is None
    assert profile.auth_secret is None
    assert ConnectionProfile.from_json(profile.to_json()) == profile


def test_bad_field_raises_profile_error_naming_it() -> None:
    document = dict(VALID, kafka={"bootstrap": "h:1", "security_protocol": "CARRIER_PIGEON"})
    with pytest.raises(ProfileError) as raised:
        ConnectionProfile.from_json(json.dumps(document))
    assert "kafka.security_protocol" in str(raised.value)
    assert raised.value.status_name == "MW_ERR_PROFILE"
    assert isinstance(raised.value, ValueError)


def test_bad_file_error_names_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "no-name.json"
    path.write_text(json.dumps({key: value for key, value in VALID.items() if key != "consumer_name"}))
    with pytest.raises(ProfileError) as raised:
        ConnectionProfile.from_file(path)
    assert str(path) in str(raised.value)
    assert "consumer_name" in str(raised.value)


def test_not_json_raises_profile_error() -> None:
    with pytest.raises(ProfileError):
        ConnectionProfile.from_json("consumer_name: acme")


def test_missing_file_raises_file_read_error(tmp_path: Path) -> None:
    path = tmp_path / "absent.json"
    with pytest.raises(FileReadError) as raised:
        ConnectionProfile.from_file(path)
    assert str(path) in str(raised.value)
    assert isinstance(raised.value, OSError)


def test_secret_absent_from_repr_and_errors() -> None:
    profile = ConnectionProfile.from_json(json.dumps(VALID))
    assert SECRET not in repr(profile)
    assert SECRET not in str(profile)
    assert "<hidden>" in repr(profile)

    document = dict(VALID, kafka={"bootstrap": "no-port"})
    with pytest.raises(ProfileError) as raised:
        ConnectionProfile.from_json(json.dumps(document))
    assert SECRET not in str(raised.value)


def test_consumer_rejects_wrong_types() -> None:
    from mister_webhooks import MisterWebhooksConsumer

    profile = ConnectionProfile.from_json(
        '{"consumer_name": "types", "kafka": {"bootstrap": "127.0.0.1:1", "security_protocol": "PLAINTEXT"}}'
    )
    with pytest.raises(TypeError, match="topic must be a str"):
        MisterWebhooksConsumer(None, profile)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="ConnectionProfile.from_file"):
        MisterWebhooksConsumer("webhooks", "profile.json")  # type: ignore[arg-type]
    consumer = MisterWebhooksConsumer("webhooks", profile)
    with pytest.raises(TypeError, match="callback must be callable"):
        consumer.run(42)  # type: ignore[arg-type]
    consumer.close()
