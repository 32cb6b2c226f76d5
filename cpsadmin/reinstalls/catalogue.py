"""The CPS catalogue (regions, OS images, RAID levels, software), cached.

The reinstall form and its htmx swaps read the catalogue on every render, so
each answer is kept in the Django cache for CPS_CATALOGUE_CACHE_SECONDS:

- the region list, once for the whole site;
- OS images and RAID levels per (region, device type);
- software per (region, OS type id). describeSoftware answering 404
  NOT_FOUND means "this OS has no software list", and is cached as such.

Errors other than that NOT_FOUND are never cached: the next render asks again.
Every key of a region carries that region's generation number, so refresh()
can drop a whole region without knowing which keys it holds. refresh() reads
CPS before it drops anything, so a failed refresh keeps the old answers.
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


def _cached(key: str, read):
    """The cached answer under ``key``, or ``read(client)`` stored there."""
    found = cache.get(key, _MISSING)
    if found is _MISSING:
        with get_client() as client:
            found = read(client)
        cache.set(key, found, _timeout())
    return found


def regions() -> list[Region]:
    """Every region that offers CPS, from describeRegiones."""
    return _cached(_regions_key(), lambda client: client.describe_regions())


def os_images(region: str, device_type: str) -> list[Os]:
    """The OS images describeOS offers for one device type."""
    return _cached(
        _key(region, "os", device_type),
        lambda client: client.describe_os(region, device_type),
    )


def raids(region: str, device_type: str) -> list[Raid]:
    """Every RAID level of a device type, system and data volumes alike."""
    return _cached(
        _key(region, "raids", device_type),
        lambda client: client.describe_device_raids(region, device_type),
    )


def system_raids(region: str, device_type: str) -> list[Raid]:
    return [r for r in raids(region, device_type) if r.volume_type == SYSTEM]


def data_raids(region: str, device_type: str) -> list[Raid]:
    return [r for r in raids(region, device_type) if r.volume_type == DATA]


def software(region: str, os_type_id: str) -> list[Software] | None:
    """The software offered with one OS image, or None when CPS has no list.

    None comes from describeSoftware answering NOT_FOUND (the live API dropped
    the call); an empty list means the call works and offers nothing.
    """

    def read(client):
        try:
            return client.describe_software(region, os_type_id)
        except CpsApiError as exc:
            if not exc.is_not_found:
                raise
            logger.debug("No software list for %s in %s", os_type_id, region)
            return None

    return _cached(_key(region, "software", os_type_id), read)


def refresh(region: str, device_type: str | None = None) -> None:
    """Read the catalogue again from CPS; replace the cached one only then.

    1. With a device type, read its OS images and RAID levels again; without
       one, read the region list again. A CpsError reaches the caller and
       leaves the cache as it was, so an outage never throws away a catalogue
       that worked.
    2. With a device type, store the new lists and forget the software of its
       OS images; without one, store the region list and forget everything
       cached for the region. The region list goes either way.
    """
    with get_client() as client:
        if device_type is None:
            found_regions = client.describe_regions()
        else:
            images = client.describe_os(region, device_type)
            found_raids = client.describe_device_raids(region, device_type)

    if device_type is None:
        cache.set(_regions_key(), found_regions, _timeout())
        generation_key = f"{PREFIX}:generation:{region}"
        # add() then incr() so that two refreshes never both write "1".
        cache.add(generation_key, 0, None)
        cache.incr(generation_key)
        return

    cache.delete(_regions_key())
    os_key = _key(region, "os", device_type)
    os_ids = {os.os_type_id for os in (cache.get(os_key) or []) + images}
    cache.delete_many([_key(region, "software", os_id) for os_id in os_ids])
    cache.set(os_key, images, _timeout())
    cache.set(_key(region, "raids", device_type), found_raids, _timeout())
