"""The CPS catalogue (regions, OS images, RAID levels, software), cached.

The reinstall form and its htmx swaps read the catalogue on every render, so
each answer is kept in the Django cache for CPS_CATALOGUE_CACHE_SECONDS:

- the region list, once for the whole site;
- OS images and RAID levels per (region, device type);
- software per (region, OS type id). describeSoftware answering 404
  NOT_FOUND means "this OS has no software list", and is cached as such.

Errors other than that NOT_FOUND are never cached: the next render asks again.
Every key of a region carries that region's generation number, so refresh()
can drop a whole region without knowing which keys it holds.
"""

import logging

from django.conf import settings
from django.core.cache import cache

from cpsadmin.cps.client import CpsApiError, Os, Raid, Region, Software, get_client

logger = logging.getLogger(__name__)

PREFIX = "cps-catalogue"
SYSTEM = "system"
DATA = "data"

# Stands for "not in the cache", since None is a value worth caching.
_MISSING = object()


def _timeout() -> int:
    return settings.CPS_CATALOGUE_CACHE_SECONDS


def _generation(region: str) -> int:
    return cache.get(f"{PREFIX}:generation:{region}", 0)


def _key(region: str, *parts: str) -> str:
    return ":".join((PREFIX, region, str(_generation(region)), *parts))


def _regions_key() -> str:
    return f"{PREFIX}:regions"


def regions() -> list[Region]:
    """Every region that offers CPS, from describeRegiones."""
    key = _regions_key()
    found = cache.get(key, _MISSING)
    if found is not _MISSING:
        return found

    with get_client() as client:
        found = client.describe_regions()
    cache.set(key, found, _timeout())
    return found


def os_images(region: str, device_type: str) -> list[Os]:
    """The OS images describeOS offers for one device type."""
    key = _key(region, "os", device_type)
    found = cache.get(key, _MISSING)
    if found is not _MISSING:
        return found

    with get_client() as client:
        found = client.describe_os(region, device_type)
    cache.set(key, found, _timeout())
    return found


def raids(region: str, device_type: str) -> list[Raid]:
    """Every RAID level of a device type, system and data volumes alike."""
    key = _key(region, "raids", device_type)
    found = cache.get(key, _MISSING)
    if found is not _MISSING:
        return found

    with get_client() as client:
        found = client.describe_device_raids(region, device_type)
    cache.set(key, found, _timeout())
    return found


def system_raids(region: str, device_type: str) -> list[Raid]:
    return [r for r in raids(region, device_type) if r.volume_type == SYSTEM]


def data_raids(region: str, device_type: str) -> list[Raid]:
    return [r for r in raids(region, device_type) if r.volume_type == DATA]


def software(region: str, os_type_id: str) -> list[Software] | None:
    """The software offered with one OS image, or None when CPS has no list.

    None comes from describeSoftware answering NOT_FOUND (the live API dropped
    the call); an empty list means the call works and offers nothing.
    """
    key = _key(region, "software", os_type_id)
    found = cache.get(key, _MISSING)
    if found is not _MISSING:
        return found

    try:
        with get_client() as client:
            found = client.describe_software(region, os_type_id)
    except CpsApiError as exc:
        if not exc.is_not_found:
            raise
        logger.debug("No software list for %s in %s", os_type_id, region)
        found = None
    cache.set(key, found, _timeout())
    return found


def refresh(region: str, device_type: str | None = None) -> None:
    """Forget cached answers so that the next render asks CPS again.

    With a device type, drop its OS images, its RAID levels and the software
    of those OS images; without one, drop everything cached for the region.
    The region list goes either way.
    """
    cache.delete(_regions_key())
    if device_type is None:
        generation_key = f"{PREFIX}:generation:{region}"
        # add() then incr() so that two refreshes never both write "1".
        cache.add(generation_key, 0, None)
        cache.incr(generation_key)
        return

    os_key = _key(region, "os", device_type)
    cached_os = cache.get(os_key) or []
    keys = [os_key, _key(region, "raids", device_type)]
    keys += [_key(region, "software", os.os_type_id) for os in cached_os]
    cache.delete_many(keys)
