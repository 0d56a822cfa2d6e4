#!/usr/bin/env python3
"""Write seed inputs for the fuzz targets from the decoding test vectors.

    make_seeds.py VECTORS_DIR OUTPUT_DIR [CORPUS_DIR]

Creates OUTPUT_DIR/<target>/ with one file per seed:

- record_decode: the first `envelope` header byte followed by the record
  value, for every vector (empty for a record without a one-byte header);
- avro_envelope: every record value;
- json_validator and cbor_transcoder: the payload of every value that
  parses as an Avro KafkaMessageEnvelopeV1, by its payload_encoding, and the
  JSON files in CORPUS_DIR, if given.

Only the standard library is used, so it runs without a virtual environment.
"""

import base64
import hashlib
import json
import pathlib
import sys

TARGETS = ("avro_envelope", "json_validator", "cbor_transcoder", "record_decode")


class AvroError(Exception):
    pass


class AvroReader:
    """A minimal reader of the Avro binary encoding of KafkaMessageEnvelopeV1."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.index = 0

    def read_long(self) -> int:
        result = 0
        shift = 0
        while True:
            if self.index >= len(self.data) or shift > 63:
                raise AvroError("invalid varint")
            byte = self.data[self.index]
            self.index += 1
            result |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return (result >> 1) ^ -(result & 1)
            shift += 7

    def read_bytes(self) -> bytes:
        length = self.read_long()
        if length < 0 or self.index + length > len(self.data):
            raise AvroError("invalid length")
        start = self.index
        self.index += length
        return self.data[start:self.index]

    def skip_blocks(self, read_item) -> None:
        while True:
            count = self.read_long()
            if count == 0:
                return
            if count < 0:
                count = -count
                self.read_long()
            for _ in range(count):
                read_item()

    def read_envelope(self) -> tuple:
        """Return (payload, encoding index) of a whole KafkaMessageEnvelopeV1."""
        self.read_long()

        def read_header() -> None:
            self.read_bytes()
            self.skip_blocks(self.read_bytes)

        self.skip_blocks(read_header)
        payload = self.read_bytes()
        encoding = self.read_long()
        if self.index != len(self.data) or encoding not in (0, 1):
            raise AvroError("invalid envelope")
        return payload, encoding


def first_envelope(headers: list) -> bytes | None:
    """Return the value of the first `envelope` header, None when absent or null."""
    for name, value in headers:
        if name == "envelope":
            return None if value is None else bytes.fromhex(value)
    return None


def write_seed(folder: pathlib.Path, data: bytes) -> None:
    """Write `data` under its SHA-1, as libFuzzer names corpus files."""
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def main() -> int:
    if len(sys.argv) not in (3, 4):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 64
    vectors = pathlib.Path(sys.argv[1]) / "envelopes.jsonl"
    output = pathlib.Path(sys.argv[2])
    folders = {target: output / target for target in TARGETS}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)

    # split("\n"), not splitlines(): a JSON string may contain U+2028.
    for line in vectors.read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        vector = json.loads(line)
        value = b"" if vector["value"] is None else base64.b64decode(vector["value"])
        envelope = first_envelope(vector["headers"])

        write_seed(folders["avro_envelope"], value)
        record = envelope + value if envelope is not None and len(envelope) == 1 else b""
        write_seed(folders["record_decode"], record)

        try:
            payload, encoding = AvroReader(value).read_envelope()
        except AvroError:
            continue
        write_seed(folders["cbor_transcoder" if encoding == 1 else "json_validator"], payload)

    if len(sys.argv) == 4:
        for path in sorted(pathlib.Path(sys.argv[3]).rglob("*.json")):
            write_seed(folders["json_validator"], path.read_bytes())

    for target, folder in folders.items():
        print(f"{target}: {sum(1 for _ in folder.iterdir())} seeds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
