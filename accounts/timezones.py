"""Time zone names a writer may choose: the IANA names zoneinfo knows, validated in one place."""

from functools import cache
from zoneinfo import available_timezones

from django.core.exceptions import ValidationError


@cache
def valid_time_zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    # Hide the legacy aliases ("US/Eastern", "Etc/GMT+5") that make the list long and confusing.
    names = sorted(
        name
        for name in valid_time_zone_names()
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
    )
    return [("UTC", "UTC"), *((name, name.replace("_", " ")) for name in names)]


def validate_time_zone(value: str) -> None:
    if value not in valid_time_zone_names():
        raise ValidationError(
            "“%(value)s” is not a time zone we know. Pick one from the list.", params={"value": value}
        )
