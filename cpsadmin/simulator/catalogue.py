"""The simulated cloud's catalogue and its first instances, as plain API dicts.

Everything here is seeded into the simulator's sqlite file when the file is
new (and again on reset), so persisted instances and the catalogue they
reference always agree. Field names are the wire names of §8 of
docs/reference/jdcloud-cps-api.md.

Ids are stable across runs: OS ids are uuid5 values derived from the device
type and OS, so `centos-7.9` on `cps.c.normal` always has the same id.
"""

import uuid

_OS_NAMESPACE = uuid.UUID("d4b3f1c2-5e6a-4b7c-9d8e-0f1a2b3c4d5e")

REGIONS = [
    ("cn-north-1", "华北-北京", ["cn-north-1a", "cn-north-1b", "cn-north-1c"]),
    ("cn-east-2", "华东-上海", ["cn-east-2a", "cn-east-2b", "cn-east-2c"]),
    ("cn-south-1", "华南-广州", ["cn-south-1a"]),
]

DEVICE_TYPES = {
    "cps.c.normal": {
        "name": "标准计算型",
        "family": "计算",
        "cpuConcise": "2*Intel Xeon Gold 6248R (24 cores, 3.0GHz)",
        "cpuDetail": "2*Intel Xeon Gold 6248R 24C/48T 3.0GHz",
        "memConcise": "384GB",
        "memDetail": "12*32GB DDR4 2933MHz",
        "ifConcise": "2*25GE",
        "ifDetail": "2*25GE Mellanox ConnectX-4 Lx",
        "gpuConcise": "",
        "gpuDetail": "",
        "systemDiskAmount": 2,
        "systemDiskSize": 960,
        "systemDiskModel": "SSD",
        "dataDiskAmount": 2,
        "dataDiskSize": 3840,
        "dataDiskModel": "NVMe SSD",
    },
    "cps.c.highmem": {
        "name": "高内存计算型",
        "family": "计算",
        "cpuConcise": "2*Intel Xeon Platinum 8369B (32 cores, 2.7GHz)",
        "cpuDetail": "2*Intel Xeon Platinum 8369B 32C/64T 2.7GHz",
        "memConcise": "1024GB",
        "memDetail": "16*64GB DDR4 3200MHz",
        "ifConcise": "2*25GE",
        "ifDetail": "2*25GE Mellanox ConnectX-5",
        "gpuConcise": "",
        "gpuDetail": "",
        "systemDiskAmount": 2,
        "systemDiskSize": 960,
        "systemDiskModel": "SSD",
        "dataDiskAmount": 4,
        "dataDiskSize": 3840,
        "dataDiskModel": "NVMe SSD",
    },
    "cps.s.normal": {
        "name": "标准存储型",
        "family": "存储",
        "cpuConcise": "2*Intel Xeon Silver 4214R (12 cores, 2.4GHz)",
        "cpuDetail": "2*Intel Xeon Silver 4214R 12C/24T 2.4GHz",
        "memConcise": "256GB",
        "memDetail": "8*32GB DDR4 2666MHz",
        "ifConcise": "2*10GE",
        "ifDetail": "2*10GE Intel X710",
        "gpuConcise": "",
        "gpuDetail": "",
        "systemDiskAmount": 2,
        "systemDiskSize": 480,
        "systemDiskModel": "SSD",
        "dataDiskAmount": 12,
        "dataDiskSize": 8000,
        "dataDiskModel": "SATA HDD",
    },
    "cps.g.normal": {
        "name": "GPU型",
        "family": "GPU",
        "cpuConcise": "2*Intel Xeon Gold 6330 (28 cores, 2.0GHz)",
        "cpuDetail": "2*Intel Xeon Gold 6330 28C/56T 2.0GHz",
        "memConcise": "512GB",
        "memDetail": "16*32GB DDR4 3200MHz",
        "ifConcise": "2*25GE",
        "ifDetail": "2*25GE Mellanox ConnectX-6 Dx",
        "gpuConcise": "8*NVIDIA A100 80GB",
        "gpuDetail": "8*NVIDIA A100 SXM4 80GB, NVLink",
        "systemDiskAmount": 2,
        "systemDiskSize": 960,
        "systemDiskModel": "SSD",
        "dataDiskAmount": 4,
        "dataDiskSize": 3840,
        "dataDiskModel": "NVMe SSD",
    },
}

# Which device types each AZ sells; a region offers the union of its AZs.
OFFERINGS = {
    "cn-north-1a": ["cps.c.normal", "cps.c.highmem", "cps.s.normal"],
    "cn-north-1b": ["cps.c.normal", "cps.c.highmem", "cps.g.normal"],
    "cn-north-1c": ["cps.c.normal", "cps.s.normal", "cps.g.normal"],
    "cn-east-2a": ["cps.c.normal", "cps.c.highmem", "cps.g.normal"],
    "cn-east-2b": ["cps.c.normal", "cps.s.normal"],
    "cn-east-2c": ["cps.c.normal", "cps.c.highmem"],
    "cn-south-1a": ["cps.c.normal", "cps.s.normal"],
}
SOLD_OUT = {("cn-east-2", "cps.g.normal")}

# key: (osName, osType, osVersion)
OS_IMAGES = {
    "centos-7.9": ("CentOS 7.9(x86_64)", "centos", "7.9"),
    "centos-8.2": ("CentOS 8.2(x86_64)", "centos", "8.2"),
    "ubuntu-18.04": ("Ubuntu 18.04(x86_64)", "ubuntu", "18.04"),
    "ubuntu-20.04": ("Ubuntu 20.04(x86_64)", "ubuntu", "20.04"),
    "ubuntu-22.04": ("Ubuntu 22.04(x86_64)", "ubuntu", "22.04"),
    "debian-11": ("Debian 11(x86_64)", "debian", "11"),
    "windows-2016": ("Windows Server 2016 Datacenter(x86_64)", "windows", "2016"),
    "windows-2019": ("Windows Server 2019 Datacenter(x86_64)", "windows", "2019"),
}

OS_BY_DEVICE_TYPE = {
    "cps.c.normal": list(OS_IMAGES),
    "cps.c.highmem": [
        "centos-7.9",
        "centos-8.2",
        "ubuntu-20.04",
        "ubuntu-22.04",
        "windows-2019",
    ],
    "cps.s.normal": [
        "centos-7.9",
        "centos-8.2",
        "ubuntu-18.04",
        "ubuntu-20.04",
        "debian-11",
    ],
    "cps.g.normal": ["centos-7.9", "ubuntu-18.04", "ubuntu-20.04", "ubuntu-22.04"],
}

# (name, version, description); Debian and Windows images come with none.
_SOFTWARE = {
    "centos-7.9": [
        ("nginx", "1.20.1", "HTTP server and reverse proxy"),
        ("mysql", "5.7.36", "MySQL Community Server"),
        ("docker-ce", "20.10.12", "Docker Engine"),
    ],
    "centos-8.2": [
        ("nginx", "1.20.1", "HTTP server and reverse proxy"),
        ("docker-ce", "20.10.12", "Docker Engine"),
    ],
    "ubuntu-18.04": [("docker-ce", "20.10.12", "Docker Engine")],
    "ubuntu-20.04": [
        ("nginx", "1.18.0", "HTTP server and reverse proxy"),
        ("docker-ce", "24.0.7", "Docker Engine"),
        ("postgresql", "12.17", "PostgreSQL database server"),
    ],
    "ubuntu-22.04": [
        ("docker-ce", "24.0.7", "Docker Engine"),
        ("postgresql", "14.10", "PostgreSQL database server"),
    ],
}
_GPU_SOFTWARE = [
    ("nvidia-driver", "535.129.03", "NVIDIA data centre GPU driver"),
    ("cuda", "12.2", "NVIDIA CUDA Toolkit"),
]

# (raidType, volumeDetail, description) per volume type and device type.
RAIDS = {
    "cps.c.normal": {
        "system": [
            ("NORAID", "2*960GB SSD", "Disks used separately"),
            ("RAID1", "2*960GB SSD", "Mirrored, 960GB usable"),
        ],
        "data": [
            ("NORAID", "2*3.84TB NVMe SSD", "Disks used separately"),
            ("RAID0", "2*3.84TB NVMe SSD", "Striped, 7.68TB usable, no redundancy"),
            ("RAID1", "2*3.84TB NVMe SSD", "Mirrored, 3.84TB usable"),
        ],
    },
    "cps.c.highmem": {
        "system": [("RAID1", "2*960GB SSD", "Mirrored, 960GB usable")],
        "data": [
            ("RAID0", "4*3.84TB NVMe SSD", "Striped, 15.36TB usable, no redundancy"),
            ("RAID10", "4*3.84TB NVMe SSD", "Striped mirrors, 7.68TB usable"),
        ],
    },
    "cps.s.normal": {
        "system": [
            ("RAID0", "2*480GB SSD", "Striped, 960GB usable, no redundancy"),
            ("RAID1", "2*480GB SSD", "Mirrored, 480GB usable"),
        ],
        "data": [
            ("NORAID", "12*8TB SATA HDD", "Disks used separately"),
            ("RAID0", "12*8TB SATA HDD", "Striped, 96TB usable, no redundancy"),
            ("RAID10", "12*8TB SATA HDD", "Striped mirrors, 48TB usable"),
        ],
    },
    "cps.g.normal": {
        "system": [
            ("NORAID", "2*960GB SSD", "Disks used separately"),
            ("RAID1", "2*960GB SSD", "Mirrored, 960GB usable"),
        ],
        "data": [
            ("NORAID", "4*3.84TB NVMe SSD", "Disks used separately"),
            ("RAID0", "4*3.84TB NVMe SSD", "Striped, 15.36TB usable, no redundancy"),
        ],
    },
}

# (instanceId, name, az, deviceType, status, os, sysRaid, dataRaid, privateIp)
_INSTANCES = [
    # cn-north-1: 22 servers, so a 20-a-page listing has two pages.
    (
        "cps-ujzde8gxd6ncf10e",
        "web-01",
        "cn-north-1a",
        "cps.c.normal",
        "running",
        "centos-7.9",
        "RAID1",
        "RAID1",
        "10.0.1.11",
    ),  # noqa: E501
    (
        "cps-pf91dhodzdoc9is0",
        "web-02",
        "cn-north-1a",
        "cps.c.normal",
        "running",
        "centos-7.9",
        "RAID1",
        "RAID1",
        "10.0.1.12",
    ),  # noqa: E501
    (
        "cps-j8ht9lgmxg9edn58",
        "web-03",
        "cn-north-1b",
        "cps.c.normal",
        "running",
        "ubuntu-20.04",
        "RAID1",
        "RAID0",
        "10.0.2.13",
    ),  # noqa: E501
    (
        "cps-1u33xtplpft75v2s",
        "web-04",
        "cn-north-1b",
        "cps.c.normal",
        "stopped",
        "ubuntu-20.04",
        "RAID1",
        "RAID0",
        "10.0.2.14",
    ),  # noqa: E501
    (
        "cps-eh60kvj50ce9uvw5",
        "web-05",
        "cn-north-1c",
        "cps.c.normal",
        "running",
        "ubuntu-22.04",
        "NORAID",
        "NORAID",
        "10.0.3.15",
    ),  # noqa: E501
    (
        "cps-3efr4edt2sywb3wk",
        "web-06",
        "cn-north-1c",
        "cps.c.normal",
        "running",
        "ubuntu-22.04",
        "RAID1",
        "RAID1",
        "10.0.3.16",
    ),  # noqa: E501
    (
        "cps-h5dnsipzz5fk2z9r",
        "db-01",
        "cn-north-1a",
        "cps.c.highmem",
        "running",
        "centos-7.9",
        "RAID1",
        "RAID10",
        "10.0.1.21",
    ),  # noqa: E501
    (
        "cps-i19r0wyojfljooa5",
        "db-02",
        "cn-north-1a",
        "cps.c.highmem",
        "running",
        "centos-7.9",
        "RAID1",
        "RAID10",
        "10.0.1.22",
    ),  # noqa: E501
    (
        "cps-lqsaj08xui6d39zz",
        "db-03",
        "cn-north-1b",
        "cps.c.highmem",
        "stopped",
        "centos-8.2",
        "RAID1",
        "RAID10",
        "10.0.2.23",
    ),  # noqa: E501
    (
        "cps-zzg4zdmen2khvdga",
        "db-04",
        "cn-north-1b",
        "cps.c.highmem",
        "running",
        "ubuntu-22.04",
        "RAID1",
        "RAID0",
        "10.0.2.24",
    ),  # noqa: E501
    (
        "cps-j8gxbenyjqwx4hh5",
        "cache-01",
        "cn-north-1a",
        "cps.c.highmem",
        "running",
        "ubuntu-20.04",
        "RAID1",
        "RAID0",
        "10.0.1.31",
    ),  # noqa: E501
    (
        "cps-344tfjgvq4k7bn7x",
        "cache-02",
        "cn-north-1b",
        "cps.c.highmem",
        "error",
        "ubuntu-20.04",
        "RAID1",
        "RAID0",
        "10.0.2.32",
    ),  # noqa: E501
    (
        "cps-j8b7tfq7xkwo886v",
        "store-01",
        "cn-north-1a",
        "cps.s.normal",
        "running",
        "centos-7.9",
        "RAID1",
        "RAID10",
        "10.0.1.41",
    ),  # noqa: E501
    (
        "cps-ompzom75wbbr4qmw",
        "store-02",
        "cn-north-1c",
        "cps.s.normal",
        "running",
        "debian-11",
        "RAID1",
        "NORAID",
        "10.0.3.42",
    ),  # noqa: E501
    (
        "cps-2wxfogo4mvn4a4wf",
        "store-03",
        "cn-north-1c",
        "cps.s.normal",
        "stopped",
        "ubuntu-18.04",
        "RAID0",
        "RAID0",
        "10.0.3.43",
    ),  # noqa: E501
    (
        "cps-hym4l1vfz3zfkkib",
        "gpu-train-01",
        "cn-north-1b",
        "cps.g.normal",
        "running",
        "ubuntu-22.04",
        "RAID1",
        "RAID0",
        "10.0.2.51",
    ),  # noqa: E501
    (
        "cps-j3j4wj99ibag7i1m",
        "gpu-train-02",
        "cn-north-1b",
        "cps.g.normal",
        "error",
        "ubuntu-20.04",
        "RAID1",
        "RAID0",
        "10.0.2.52",
    ),  # noqa: E501
    (
        "cps-nbqns6puq80idw37",
        "gpu-infer-01",
        "cn-north-1c",
        "cps.g.normal",
        "stopped",
        "centos-7.9",
        "NORAID",
        "NORAID",
        "10.0.3.53",
    ),  # noqa: E501
    (
        "cps-06i8j76b2lajlj4h",
        "build-01",
        "cn-north-1a",
        "cps.c.normal",
        "running",
        "debian-11",
        "RAID1",
        "RAID0",
        "10.0.1.61",
    ),  # noqa: E501
    (
        "cps-9du7794g9dpmrcg6",
        "build-02",
        "cn-north-1c",
        "cps.c.normal",
        "stopped",
        "debian-11",
        "RAID1",
        "RAID0",
        "10.0.3.62",
    ),  # noqa: E501
    (
        "cps-29be2u66mr26846p",
        "bastion-01",
        "cn-north-1a",
        "cps.c.normal",
        "running",
        "centos-8.2",
        "RAID1",
        "RAID1",
        "10.0.1.5",
    ),  # noqa: E501
    (
        "cps-7q9m2i0hz2uep1en",
        "legacy-01",
        "cn-north-1b",
        "cps.c.normal",
        "stopped",
        "windows-2016",
        "RAID1",
        "RAID1",
        "10.0.2.71",
    ),  # noqa: E501
    # cn-east-2
    (
        "cps-thjxjqi3ogz5kok1",
        "web-11",
        "cn-east-2a",
        "cps.c.normal",
        "running",
        "ubuntu-22.04",
        "RAID1",
        "RAID1",
        "10.1.1.11",
    ),  # noqa: E501
    (
        "cps-6zv0mwufxbv932by",
        "web-12",
        "cn-east-2b",
        "cps.c.normal",
        "stopped",
        "ubuntu-22.04",
        "RAID1",
        "RAID1",
        "10.1.2.12",
    ),  # noqa: E501
    (
        "cps-v7s6ehogfqrclri1",
        "db-11",
        "cn-east-2a",
        "cps.c.highmem",
        "running",
        "centos-7.9",
        "RAID1",
        "RAID10",
        "10.1.1.21",
    ),  # noqa: E501
    (
        "cps-qzj865ufrdl1erbf",
        "db-12",
        "cn-east-2c",
        "cps.c.highmem",
        "stopped",
        "centos-7.9",
        "RAID1",
        "RAID10",
        "10.1.3.22",
    ),  # noqa: E501
    (
        "cps-qfoeqh3av90ric7p",
        "store-11",
        "cn-east-2b",
        "cps.s.normal",
        "error",
        "centos-8.2",
        "RAID1",
        "RAID10",
        "10.1.2.41",
    ),  # noqa: E501
    (
        "cps-hkqdlmtt7ns26lrw",
        "gpu-11",
        "cn-east-2a",
        "cps.g.normal",
        "running",
        "ubuntu-20.04",
        "RAID1",
        "RAID0",
        "10.1.1.51",
    ),  # noqa: E501
    (
        "cps-bqcab69m64p2g158",
        "batch-01",
        "cn-east-2c",
        "cps.c.normal",
        "running",
        "windows-2019",
        "RAID1",
        "RAID0",
        "10.1.3.61",
    ),  # noqa: E501
    (
        "cps-z6tnovmizwdiaeq1",
        "batch-02",
        "cn-east-2c",
        "cps.c.normal",
        "stopped",
        "centos-8.2",
        "NORAID",
        "RAID0",
        "10.1.3.62",
    ),  # noqa: E501
    # cn-south-1
    (
        "cps-kdfy6spsc3lkr2aq",
        "web-21",
        "cn-south-1a",
        "cps.c.normal",
        "running",
        "ubuntu-20.04",
        "RAID1",
        "RAID1",
        "10.2.1.11",
    ),  # noqa: E501
    (
        "cps-xv9upctnwlavyf4r",
        "web-22",
        "cn-south-1a",
        "cps.c.normal",
        "stopped",
        "ubuntu-20.04",
        "RAID1",
        "RAID1",
        "10.2.1.12",
    ),  # noqa: E501
    (
        "cps-6mp6afqfjzczbtto",
        "db-21",
        "cn-south-1a",
        "cps.s.normal",
        "running",
        "centos-7.9",
        "RAID1",
        "RAID10",
        "10.2.1.21",
    ),  # noqa: E501
    (
        "cps-f7jyu5jsjc616i76",
        "api-21",
        "cn-south-1a",
        "cps.c.normal",
        "error",
        "windows-2019",
        "RAID1",
        "RAID0",
        "10.2.1.31",
    ),  # noqa: E501
]

_DESCRIPTIONS = {
    "web": "Front-end web server",
    "db": "Database server",
    "cache": "Redis cache",
    "store": "Object storage node",
    "gpu": "GPU compute node",
    "build": "CI build agent",
    "bastion": "SSH bastion host",
    "legacy": "Legacy Windows application server",
    "batch": "Batch processing node",
    "api": "Public API server",
}


def os_type_id(device_type: str, os_key: str) -> str:
    return str(uuid.uuid5(_OS_NAMESPACE, f"{device_type}/{os_key}"))


def raid_type_id(device_type: str, volume_type: str, raid_type: str) -> str:
    slug = device_type.removeprefix("cps.").replace(".", "")
    return (
        f"r-{slug}-{'sys' if volume_type == 'system' else 'data'}-{raid_type.lower()}"
    )


def regions() -> list[dict]:
    return [
        {
            "region": region,
            "regionName": name,
            "azs": [
                {"region": region, "az": az, "azName": f"可用区{az[-1].upper()}"}
                for az in azs
            ],
        }
        for region, name, azs in REGIONS
    ]


def device_types() -> list[dict]:
    """One row per (region, device type), with the AZs that sell it."""
    rows = []
    for region, _, azs in REGIONS:
        for device_type, fields in DEVICE_TYPES.items():
            offered_in = [az for az in azs if device_type in OFFERINGS[az]]
            if not offered_in:
                continue
            rows.append(
                {
                    "deviceType": device_type,
                    **fields,
                    "region": region,
                    "isSoldOut": (region, device_type) in SOLD_OUT,
                    "_azs": offered_in,
                }
            )
    return rows


def oss() -> list[dict]:
    rows = []
    for device_type, keys in OS_BY_DEVICE_TYPE.items():
        for key in keys:
            name, os_type, version = OS_IMAGES[key]
            rows.append(
                {
                    "osTypeId": os_type_id(device_type, key),
                    "osName": name,
                    "osType": os_type,
                    "osVersion": version,
                    "deviceType": device_type,
                }
            )
    return rows


def softwares() -> list[dict]:
    rows = []
    for device_type, keys in OS_BY_DEVICE_TYPE.items():
        for key in keys:
            items = list(_SOFTWARE.get(key, []))
            if device_type == "cps.g.normal" and not key.startswith("windows"):
                items += _GPU_SOFTWARE
            for name, version, description in items:
                rows.append(
                    {
                        "name": name,
                        "version": version,
                        "osTypeId": os_type_id(device_type, key),
                        "description": description,
                    }
                )
    return rows


def raids() -> list[dict]:
    rows = []
    for device_type, volumes in RAIDS.items():
        for volume_type, items in volumes.items():
            for raid_type, detail, description in items:
                rows.append(
                    {
                        "raidTypeId": raid_type_id(device_type, volume_type, raid_type),
                        "raidType": raid_type,
                        "volumeType": volume_type,
                        "volumeDetail": detail,
                        "deviceType": device_type,
                        "description": description,
                    }
                )
    return rows


def _instance(row, index: int) -> dict:
    instance_id, name, az, device_type, status, os_key, sys_raid, data_raid, ip = row
    region = az[:-1]
    os_name, os_type, os_version = OS_IMAGES[os_key]
    subnet = ".".join(ip.split(".")[:3])
    public = index % 3 != 2  # every third server has no Internet access
    return {
        "instanceId": instance_id,
        "region": region,
        "az": az,
        "deviceType": device_type,
        "name": name,
        "description": _DESCRIPTIONS[name.split("-")[0]],
        "status": status,
        "enableInternet": "yes" if public else "no",
        "enableIpv6": "no",
        "bandwidth": 100 if public else 0,
        "imageType": "standard",
        "cabinet": f"{az.upper()}-R{index % 7 + 1:02d}",
        "iloIp": f"172.16.{index // 250}.{index % 250 + 10}",
        "osTypeId": os_type_id(device_type, os_key),
        "osName": os_name,
        "osType": os_type,
        "osVersion": os_version,
        "sysRaidTypeId": raid_type_id(device_type, "system", sys_raid),
        "sysRaidType": sys_raid,
        "dataRaidTypeId": raid_type_id(device_type, "data", data_raid),
        "dataRaidType": data_raid,
        "networkType": "vpc",
        "vpcId": f"vpc-{region.replace('-', '')}main",
        "vpcName": f"{region}-main",
        "vpcIpv4Cidr": f"{'.'.join(ip.split('.')[:2])}.0.0/16",
        "vpcIpv6Cidr": "",
        "ipv6GatewayId": "",
        "podName": f"{az}-pod1",
        "podRoom": f"{az}-room{index % 2 + 1}",
        "subnetId": f"subnet-{subnet.replace('.', '')}",
        "subnetName": f"{az}-subnet-{subnet.split('.')[2]}",
        "subnetIpv4Cidr": f"{subnet}.0/24",
        "subnetIpv6Cidr": "",
        "privateIp": ip,
        "lineType": "bgp" if public else "",
        "elasticIpId": f"fip-{instance_id[4:14]}" if public else "",
        "publicIp": f"114.67.{index + 20}.{index * 7 % 250 + 3}" if public else "",
        "ipv6Address": "",
        "ipv6AddressId": "",
        "ipv6AddressBandwidth": 0,
        "interfaceMode": "bond",
        "extensionVpcId": "",
        "extensionVpcName": "",
        "extensionVpcIpv4Cidr": "",
        "extensionVpcIpv6Cidr": "",
        "extensionSubnetId": "",
        "extensionSubnetName": "",
        "extensionSubnetIpv4Cidr": "",
        "extensionSubnetIpv6Cidr": "",
        "extensionPrivateIp": "",
        "extensionEnableInternet": "",
        "extensionElasticIpId": "",
        "extensionPublicIp": "",
        "extensionBandwidth": 0,
        "extensionEnableIpv6": "",
        "extensionIpv6Address": "",
        "extensionIpv6AddressId": "",
        "extensionIpv6AddressBandwidth": 0,
        "extensionIpv6GatewayId": "",
        "keypairId": "",
        "agentStatus": "running" if status == "running" else "stopped",
        "charge": {
            "chargeMode": "prepaid_by_duration",
            "chargeStatus": "normal",
            "chargeStartTime": "2025-03-01T08:00:00Z",
            "chargeExpiredTime": "2027-03-01T08:00:00Z",
            "chargeRetireTime": "",
        },
    }


def instances() -> list[dict]:
    return [_instance(row, index) for index, row in enumerate(_INSTANCES)]
