"""Generates realistic weather events in the local line format, with a fixed seed and some malformed bodies."""

import json
import random
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

# Typical climate per location: (mean °C, mean humidity %, the conditions it sees most).
LOCATIONS = {
    "Seattle": (11.0, 78.0, ("Rain", "Cloudy", "Cloudy", "Partly Cloudy")),
    "London": (12.0, 75.0, ("Cloudy", "Rain", "Partly Cloudy", "Cloudy")),
    "Tokyo": (17.0, 65.0, ("Clear", "Partly Cloudy", "Rain", "Clear")),
    "Sydney": (19.0, 62.0, ("Clear", "Clear", "Partly Cloudy", "Rain")),
    "Nairobi": (20.0, 55.0, ("Clear", "Partly Cloudy", "Thunderstorm", "Clear")),
}
COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
# Bodies a misbehaving producer sends; each must land in quarantine with its reason.
MALFORMED_BODIES = (
    "not json at all",
    '{"temperature": 21.5, "humidity": 50',
    "[1, 2, 3]",
    '{"temperature": "hot", "humidity": 40, "location": "Tokyo"}',
    '{"temperature": 75.0, "humidity": 40, "location": "Sydney"}',
    '{"humidity": 40, "location": "London"}',
    '{"temperature": 12.0, "humidity": 140, "location": "Seattle"}',
)
DEFAULT_START = datetime(2026, 1, 1, 10, 0, tzinfo=UTC)


def partition_of(location: str, partitions: int) -> str:
    """The partition Event Hubs would pick for a partition key (a stable hash of it)."""
    return str(zlib.crc32(location.encode()) % partitions)


def iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a Z suffix, as the connector's JSON and the producer write it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def generate_events(
    count: int,
    seed: int = 42,
    start: datetime = DEFAULT_START,
    seconds_between: float = 2.0,
    malformed_every: int = 50,
    partitions: int = 2,
) -> Iterator[dict]:
    """Yields `count` line-format events, one every `seconds_between` seconds spread over the locations; every
    `malformed_every`-th event carries a malformed body (0 for none)."""
    rng = random.Random(seed)
    names = list(LOCATIONS)
    sequence = dict.fromkeys(range(partitions), 0)
    for index in range(count):
        location = names[rng.randrange(len(names))]
        mean_temperature, mean_humidity, usual = LOCATIONS[location]
        moment = start + timedelta(seconds=index * seconds_between)
        if malformed_every and index % malformed_every == malformed_every - 1:
            body = MALFORMED_BODIES[(index // malformed_every) % len(MALFORMED_BODIES)]
        else:
            body = json.dumps(
                {
                    "event_id": f"evt-{seed}-{index:08d}",
                    "timestamp": iso(moment),
                    "location": location,
                    "temperature": round(rng.gauss(mean_temperature, 3.0), 1),
                    "humidity": round(min(100.0, max(0.0, rng.gauss(mean_humidity, 8.0))), 1),
                    "wind_speed": round(abs(rng.gauss(4.0, 2.5)), 1),
                    "precipitation": round(max(0.0, rng.gauss(0.3, 0.8)), 1),
                    "conditions": rng.choice(usual),
                    "wind_direction": rng.choice(COMPASS),
                }
            )
        partition = int(partition_of(location, partitions))
        sequence[partition] += 1
        yield {
            "body": body,
            "enqueuedTime": iso(moment),
            "partition": str(partition),
            "partitionKey": location,
            "offset": str(sequence[partition] * 512),
            "sequenceNumber": sequence[partition],
        }


def write_lines(events, path) -> int:
    """Writes events one JSON object per line; returns how many."""
    written = 0
    with open(path, "w", encoding="utf-8") as out:
        for event in events:
            out.write(json.dumps(event) + "\n")
            written += 1
    return written
