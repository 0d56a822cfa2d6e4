"""Connection profiles: the consumer name, credentials and Kafka servers that
Mister Webhooks issues to a customer as a JSON file."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from . import _native

__all__ = ["ConnectionProfile"]


@dataclass
class ConnectionProfile:
    """A Mister Webhooks connection profile.

    ``consumer_name`` is also the Kafka consumer group and SASL user name.
    ``auth_mechanism`` (``"plain"``) and ``auth_secret`` are ``None`` for a
    profile without ``auth``, which only the ``SSL`` and ``PLAINTEXT``
    security protocols allow. ``kafka_bootstrap`` lists the bootstrap servers
    as ``host:port``, comma-separated, and ``kafka_servers`` the same servers
    as a list. ``security_protocol`` is ``SASL_SSL`` (the default when
    ``None``), ``SASL_PLAINTEXT``, ``SSL`` or ``PLAINTEXT``.
    ``ssl_ca_location`` is a PEM file of CA certificates; without it, TLS
    connections trust only the Mister Webhooks broker CA built into
    libmisterwebhooks.

    Profiles read by :meth:`from_file` and :meth:`from_json` are checked by
    libmisterwebhooks, and so is any profile when a consumer is created. The
    ``repr`` never shows the secret.
    """

    consumer_name: str
    auth_mechanism: str | None
    auth_secret: str | None
    kafka_bootstrap: str
    kafka_servers: list[str] | None = None
    security_protocol: str | None = None
    ssl_ca_location: str | None = None

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> ConnectionProfile:
        """Load a connection profile from the JSON file at ``path``.

        :raises FileReadError: when the file cannot be read.
        :raises ProfileError: when it is not a valid profile; the message
            names the file and the field.
        """
        return cls._from_fields(_native.load_profile(os.fsencode(path)))

    @classmethod
    def from_json(cls, text: str | bytes) -> ConnectionProfile:
        """Parse a connection profile from JSON text.

        :raises ProfileError: when it is not a valid profile; the message
            names the field.
        """
        if isinstance(text, str):
            text = text.encode("utf-8")
        return cls._from_fields(_native.parse_profile(text))

    @classmethod
    def _from_fields(cls, fields: _native.ProfileFields) -> ConnectionProfile:
        return cls(
            consumer_name=fields.consumer_name,
            auth_mechanism=fields.auth_mechanism,
            auth_secret=fields.auth_secret,
            kafka_bootstrap=fields.kafka_bootstrap,
            kafka_servers=fields.kafka_bootstrap.split(","),
            security_protocol=fields.security_protocol,
            ssl_ca_location=fields.ssl_ca_location,
        )

    def to_json(self) -> str:
        """Return the profile as JSON in the format of Mister Webhooks'
        profile files, with every field that is set, the secret included."""
        kafka: dict[str, Any] = {}
        if self.kafka_bootstrap:
            kafka["bootstrap"] = self.kafka_bootstrap
        if self.kafka_servers is not None:
            kafka["servers"] = list(self.kafka_servers)
        if self.security_protocol is not None:
            kafka["security_protocol"] = self.security_protocol
        if self.ssl_ca_location is not None:
            kafka["ssl_ca_location"] = self.ssl_ca_location

        document: dict[str, Any] = {"consumer_name": self.consumer_name, "kafka": kafka}
        if self.auth_mechanism is not None or self.auth_secret is not None:
            document["auth"] = {"mechanism": self.auth_mechanism, "secret": self.auth_secret}
        return json.dumps(document)

    def __repr__(self) -> str:
        secret = "None" if self.auth_secret is None else "'<hidden>'"
        return (
            f"{type(self).__name__}(consumer_name={self.consumer_name!r}, "
            f"auth_mechanism={self.auth_mechanism!r}, auth_secret={secret}, "
            f"kafka_bootstrap={self.kafka_bootstrap!r}, kafka_servers={self.kafka_servers!r}, "
            f"security_protocol={self.security_protocol!r}, ssl_ca_location={self.ssl_ca_location!r})"
        )
