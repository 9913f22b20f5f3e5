#!/usr/bin/env python3
"""Prints the target path of a Windows shortcut (.lnk, [MS-SHLLINK]).

Reads the LinkInfo's local base path (plus its common path suffix), the
path Explorer starts; enough to check what an installer's shortcut runs.
"""
import struct
import sys


def target(data: bytes) -> str:
    if len(data) < 0x4C or struct.unpack_from("<I", data, 0)[0] != 0x4C:
        raise ValueError("not a shell link")
    flags = struct.unpack_from("<I", data, 0x14)[0]
    pos = 0x4C
    if flags & 0x01:  # HasLinkTargetIDList
        pos += 2 + struct.unpack_from("<H", data, pos)[0]
    if not flags & 0x02:  # HasLinkInfo
        raise ValueError("the link has no LinkInfo")
    info = pos
    header = struct.unpack_from("<I", data, info + 4)[0]
    base_off = struct.unpack_from("<I", data, info + 16)[0]
    suffix_off = struct.unpack_from("<I", data, info + 24)[0]
    if header >= 0x24:  # Unicode offsets present
        ubase = struct.unpack_from("<I", data, info + 28)[0]
        usuffix = struct.unpack_from("<I", data, info + 32)[0]
        return utf16z(data, info + ubase) + utf16z(data, info + usuffix)
    return ansiz(data, info + base_off) + ansiz(data, info + suffix_off)


def ansiz(data, off):
    end = data.index(b"\0", off)
    return data[off:end].decode("mbcs" if sys.platform == "win32" else "cp1252")


def utf16z(data, off):
    end = off
    while data[end:end + 2] != b"\0\0":
        end += 2
    return data[off:end].decode("utf-16-le")


if __name__ == "__main__":
    with open(sys.argv[1], "rb") as f:
        print(target(f.read()))
