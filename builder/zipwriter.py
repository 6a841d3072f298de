"""A deterministic, streaming, multi-core zip writer: same entries in, same bytes out.

* Every entry gets the same timestamp (``SOURCE_DATE_EPOCH`` when set, else 1980-01-01), the
  same permissions and the same creator system; the caller decides the order.
* Files that are compressed already (video, audio, images, PDF, fonts, archives) are stored.
* Everything else is deflated. A file of up to :data:`WHOLE_MAX` bytes is deflated in one piece by
  libdeflate (PyPI ``deflate``, pinned to one version in setup.cfg, because its bytes are what a
  reproducible build promises), at :data:`LEVEL`: two to three times as fast as zlib, and about
  as small as Info-ZIP's default (docs/build-speed.md). libdeflate only compresses whole buffers,
  so a larger file is deflated by zlib in a stream, to bound memory: fixed 1 MiB chunks, each
  compressed with the previous 32 KiB as its dictionary and ended with a sync flush (the way pigz
  does it), a few chunks per job in memory whatever the file's size.
* Which way a file goes depends on its size alone, and the chunk size is fixed, so the zip is
  byte-identical whatever ``jobs`` is.
* Deflate work is spread over threads. The ``deflate`` binding holds the GIL while it compresses,
  so the threads call the same libdeflate function through ctypes, which releases it.
* Whole files and their output live in anonymous maps, not on the heap: their memory goes back to
  the system as soon as they are written (the heap would keep it), so the peak stays flat.
* The zip is written to a temporary file beside the target and renamed at the end, so a failure
  never leaves a partial zip behind. No data descriptors are used: some Java unzip code (used by
  several LMSs) cannot read stored entries that have one.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import mmap
import os
import struct
import tempfile
import time
import zlib
from pathlib import Path
from typing import Callable, Deque, Dict, Iterable, Iterator, List, NamedTuple, Optional, Tuple

import deflate

#: Suffixes of formats that are compressed already; deflating them again only costs time.
STORED_SUFFIXES = frozenset(
    """
    .mp4 .m4v .mov .webm .ogv .mkv .avi .mp3 .m4a .aac .oga .ogg .opus .flac .jpg .jpeg .png .gif .webp
    .avif .heic .pdf .zip .gz .tgz .bz2 .xz .7z .woff .woff2 .docx .xlsx .pptx .epub
""".split()
)

#: libdeflate's level: the fastest whose output is about Info-ZIP's default size (0.7 % smaller on
#: the medium benchmark course, 0.3 % larger on the large one: docs/build-speed.md).
LEVEL = 6
ZLIB_LEVEL = 6  #: zlib's level for streamed files: Info-ZIP's default
#: Larger files to deflate are streamed through zlib, so that memory stays bounded: a whole file is
#: in memory while it is compressed. Part of the output format (it decides which bytes a file
#: gets), never tuned per run.
WHOLE_MAX = 48 << 20
CHUNK = 1 << 20  #: zlib's chunk and the read size; part of the output format, never tuned per run
WINDOW = 1 << 15  #: deflate's window: the dictionary handed from one chunk to the next
#: Below this much data to deflate, threads cost more than they save (and their import slows
#: start-up); the bytes are the same either way.
THREADS_FROM = 4 << 20
#: Bytes each job may hold ahead of the writer (input being deflated, output not yet written); a
#: whole file larger than the budget is let in alone. Two jobs: 48 MiB, which keeps the large
#: benchmark course under 150 MB (docs/build-speed.md).
AHEAD_PER_JOB = 24 << 20

ZIP64_LIMIT = 0xFFFFFFFF
STORED, DEFLATED = 0, 8

crc32 = deflate.crc32  #: libdeflate's CRC-32: about four times as fast as zlib's (docs/build-speed.md)


class Entry(NamedTuple):
    """One file of a package: its name in the zip and where its bytes come from."""

    name: str
    data: Optional[bytes] = None
    source: Optional[Path] = None

    @property
    def stored(self) -> bool:
        return Path(self.name).suffix.lower() in STORED_SUFFIXES

    @property
    def size(self) -> int:
        return len(self.data) if self.data is not None else os.stat(self.source).st_size

    def chunks(self) -> Iterator[bytes]:
        """The entry's bytes, CHUNK at a time (one empty chunk for an empty entry)."""
        if self.data is not None:
            if not self.data:
                yield b""
            for start in range(0, len(self.data), CHUNK):
                yield self.data[start : start + CHUNK]
            return
        with open(self.source, "rb") as fh:
            chunk = fh.read(CHUNK)
            yield chunk
            while chunk:
                chunk = fh.read(CHUNK)
                if chunk:
                    yield chunk


def build_timestamp() -> Tuple[int, int, int, int, int, int]:
    """The entry time: ``SOURCE_DATE_EPOCH`` (UTC) when set, else 1980-01-01 00:00:00."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return time.gmtime(max(int(epoch), 315532800))[:6]  # zip cannot store times before 1980
    return (1980, 1, 1, 0, 0, 0)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _in_one_piece(size: int) -> bool:
    """Whether a file of *size* bytes is deflated in one piece by libdeflate (else streamed through zlib)."""
    return size <= WHOLE_MAX


def _libdeflate(data) -> bytes:
    """Raw deflate of *data* (bytes or a map) in one piece, through the binding (which keeps the GIL meanwhile)."""
    return deflate.deflate_compress(data, LEVEL)


@functools.lru_cache(maxsize=None)
def _libdeflate_unlocked() -> Callable:
    """The same compression through ctypes, which lets other threads run meanwhile.

    The output goes into an anonymous map, of which only the pages libdeflate writes take memory;
    it is given back as a view, and returns to the system when the writer drops it. Falls back to
    the binding where its library does not export libdeflate's functions (same bytes; the threads
    then take turns).
    """
    import ctypes  # only when libdeflate is first used (start-up)

    try:
        lib = ctypes.CDLL(deflate._deflate.__file__)
        alloc, bound, compress, free = (
            lib.libdeflate_alloc_compressor,
            lib.libdeflate_deflate_compress_bound,
            lib.libdeflate_deflate_compress,
            lib.libdeflate_free_compressor,
        )
    except (OSError, AttributeError):  # pragma: no cover - depends on how the wheel was linked
        return _libdeflate
    alloc.argtypes, alloc.restype = [ctypes.c_int], ctypes.c_void_p
    bound.argtypes, bound.restype = [ctypes.c_void_p, ctypes.c_size_t], ctypes.c_size_t
    compress.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_size_t]
    compress.restype = ctypes.c_size_t
    free.argtypes, free.restype = [ctypes.c_void_p], None

    def pointer(buffer):
        """What ctypes passes as a pointer: bytes as they are, a map through a (temporary) array over it."""
        return buffer if isinstance(buffer, bytes) else (ctypes.c_char * len(buffer)).from_buffer(buffer)

    def unlocked(data) -> memoryview:
        compressor = alloc(LEVEL)
        if not compressor:
            raise MemoryError("libdeflate could not allocate a compressor")
        try:
            room = bound(compressor, len(data))
            out = _anonymous_map(room)
            written = compress(compressor, pointer(data), len(data), pointer(out), room)
        finally:
            free(compressor)
        if not written:  # cannot happen with room for the bound; never write a broken entry
            raise RuntimeError("libdeflate could not compress")
        return memoryview(out)[:written]

    return unlocked


def _whole(entry: Entry, compress: Callable) -> Tuple[int, int, bytes]:
    """(CRC-32, size, raw deflate) of an entry deflated in one piece."""
    if entry.data is not None:
        return crc32(entry.data), len(entry.data), compress(entry.data)
    data = _read_whole(entry.source)
    try:
        return crc32(data), len(data), compress(data)
    finally:
        if not isinstance(data, bytes):
            data.close()


def _anonymous_map(size: int):
    """*size* bytes of memory of their own, which go back to the system when the map is closed."""
    private = getattr(mmap, "MAP_PRIVATE", None)  # Unix: private pages cost less CPU than the default shared ones
    return mmap.mmap(-1, size) if private is None else mmap.mmap(-1, size, flags=private)


def _read_whole(path: Path):
    """A file's bytes, in an anonymous map (whose memory goes back to the system once it is closed).

    Read, not mapped from the file: a file truncated while mapped would kill the process (SIGBUS).
    """
    with open(path, "rb", buffering=0) as fh:
        size = os.fstat(fh.fileno()).st_size
        if not size:
            return fh.read()
        data = _anonymous_map(size)
        got = 0
        with memoryview(data) as view:
            while got < size:
                n = fh.readinto(view[got:])
                if not n:
                    break
                got += n
        more = fh.read()
        if got < size or more:  # the file changed size while it was read: take what it holds now
            whole = data[:got] + more
            data.close()
            return whole
        return data


def _deflate_chunk(chunk: bytes, dictionary: bytes, last: bool) -> bytes:
    """One chunk of a streamed file as raw deflate; runs in a worker thread (zlib releases the GIL)."""
    comp = zlib.compressobj(
        ZLIB_LEVEL, zlib.DEFLATED, -15, 8, zlib.Z_DEFAULT_STRATEGY, **({"zdict": dictionary} if dictionary else {})
    )
    return comp.compress(chunk) + comp.flush(zlib.Z_FINISH if last else zlib.Z_SYNC_FLUSH)


class _Record:
    __slots__ = ("name", "method", "offset", "crc", "size", "csize", "zip64")

    def __init__(self, name, method, offset, zip64):
        self.name, self.method, self.offset, self.zip64 = name, method, offset, zip64
        self.crc = self.size = self.csize = 0


def _dos_time(date_time) -> Tuple[int, int]:
    y, mo, d, h, mi, s = date_time
    return (h << 11) | (mi << 5) | (s // 2), ((y - 1980) << 9) | (mo << 5) | d


def _flags(name: bytes, text: str) -> int:
    return 0x800 if name != text.encode("ascii", "replace") else 0


class ZipStream:
    """Writes entries to a seekable binary file; sizes and CRCs are patched into each local header."""

    def __init__(self, fh, date_time):
        self.fh = fh
        self.time, self.date = _dos_time(date_time)
        self.records: List[_Record] = []

    def begin(self, entry: Entry, size: int) -> _Record:
        name = entry.name.encode("utf-8")
        method = STORED if entry.stored else DEFLATED
        zip64 = size >= ZIP64_LIMIT - (size >> 8) - 1024  # room for deflate's worst-case growth
        rec = _Record(entry.name, method, self.fh.tell(), zip64)
        extra = struct.pack("<HHQQ", 1, 16, 0, 0) if zip64 else b""
        self.fh.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                45 if zip64 else 20,
                _flags(name, entry.name),
                method,
                self.time,
                self.date,
                0,
                0xFFFFFFFF if zip64 else 0,
                0xFFFFFFFF if zip64 else 0,
                len(name),
                len(extra),
            )
            + name
            + extra
        )
        self.records.append(rec)
        return rec

    def finish(self, rec: _Record) -> None:
        end = self.fh.tell()
        self.fh.seek(rec.offset + 14)
        if rec.zip64:
            self.fh.write(struct.pack("<I", rec.crc))
            self.fh.seek(rec.offset + 30 + len(rec.name.encode("utf-8")) + 4)
            self.fh.write(struct.pack("<QQ", rec.size, rec.csize))
        else:
            self.fh.write(struct.pack("<III", rec.crc, rec.csize, rec.size))
        self.fh.seek(end)

    def close(self) -> None:
        start = self.fh.tell()
        for rec in self.records:
            name = rec.name.encode("utf-8")
            big = rec.zip64 or rec.offset >= ZIP64_LIMIT
            extra = struct.pack("<HHQQQ", 1, 24, rec.size, rec.csize, rec.offset) if big else b""
            self.fh.write(
                struct.pack(
                    "<IHHHHHHIIIHHHHHII",
                    0x02014B50,
                    (3 << 8) | (45 if big else 20),
                    45 if big else 20,
                    _flags(name, rec.name),
                    rec.method,
                    self.time,
                    self.date,
                    rec.crc,
                    0xFFFFFFFF if big else rec.csize,
                    0xFFFFFFFF if big else rec.size,
                    len(name),
                    len(extra),
                    0,
                    0,
                    0,
                    0o100644 << 16,
                    0xFFFFFFFF if big else rec.offset,
                )
                + name
                + extra
            )
        end = self.fh.tell()
        count, cd_size = len(self.records), end - start
        if count >= 0xFFFF or start >= ZIP64_LIMIT or cd_size >= ZIP64_LIMIT:
            self.fh.write(
                struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, (3 << 8) | 45, 45, 0, 0, count, count, cd_size, start)
            )
            self.fh.write(struct.pack("<IIQI", 0x07064B50, 0, end, 1))
        self.fh.write(
            struct.pack(
                "<IHHHHIIH",
                0x06054B50,
                0,
                0,
                min(count, 0xFFFF),
                min(count, 0xFFFF),
                min(cd_size, ZIP64_LIMIT),
                min(start, ZIP64_LIMIT),
                0,
            )
        )


def _chunks_with_dictionary(entry: Entry) -> Iterator[Tuple[bytes, bytes, bool]]:
    """(chunk, the 32 KiB before it, is-last) for every chunk of *entry*."""
    previous = b""
    chunks = entry.chunks()
    current = next(chunks)
    for following in chunks:
        yield current, previous, False
        previous = current[-WINDOW:]
        current = following
    yield current, previous, True


class Deflater:
    """Deflates entries on worker threads, in zip order, ahead of the writer that takes them.

    A feeder thread hands each entry to a thread pool: a file deflated whole as one task (the
    worker reads it, computes its CRC-32 and compresses it), a streamed one chunk by chunk (the
    feeder reads it and computes the CRC). :meth:`take` gives the writer the deflated pieces in
    order. At most *budget* bytes (input being deflated plus output not yet taken) are held, except
    that one whole file is let in alone whatever its size (at most :data:`WHOLE_MAX`). A pipeline
    starts one as soon as a course is loaded and linted, so the workers compress while the page is
    rendered. Below :data:`THREADS_FROM` bytes, or with one job, nothing runs ahead: :meth:`take`
    deflates on the spot (same bytes, no threads to start).
    """

    def __init__(self, entries: Iterable[Entry], jobs: Optional[int] = None, budget: Optional[int] = None):
        self.entries = [e for e in entries if not e.stored]
        self.names = {e.name for e in self.entries}
        jobs = jobs or default_jobs()
        self.budget = budget if budget is not None else AHEAD_PER_JOB * jobs
        self.sums: Dict[str, Tuple[int, int]] = {}  #: name -> (crc, size), once the entry is read
        self.threaded = jobs > 1 and sum(e.size for e in self.entries) >= THREADS_FROM
        if not self.threaded:
            return
        # threads start only when several jobs deflate ahead
        import threading
        from concurrent.futures import ThreadPoolExecutor

        self._compress = _libdeflate_unlocked()
        self._queues: Dict[str, Deque] = {e.name: collections.deque() for e in self.entries}
        self._cond = threading.Condition()
        self._held = 0
        self._closed = False
        self._error: Optional[BaseException] = None
        self._pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="coursepack-deflate")
        self._feeder = threading.Thread(target=self._feed, name="coursepack-read", daemon=True)
        self._feeder.start()

    def take(self, entry: Entry) -> Iterator[bytes]:
        """The deflated pieces of *entry*, in order; afterwards ``sums[entry.name]`` holds its CRC and size."""
        if not self.threaded:
            yield from self._deflate_here(entry)
            return
        queue = self._queues[entry.name]
        while True:
            with self._cond:
                while not queue and self._error is None:
                    self._cond.wait()
                if self._error is not None and not queue:
                    raise self._error
                future, last = queue.popleft()
            data = future.result()
            with self._cond:
                self._held -= len(data)
                self._cond.notify_all()
            yield data
            if last:
                return

    def _deflate_here(self, entry: Entry) -> Iterator[bytes]:
        if _in_one_piece(entry.size):
            crc, size, data = _whole(entry, _libdeflate)
            self.sums[entry.name] = (crc, size)
            yield data
            return
        crc = size = 0
        for chunk, previous, last in _chunks_with_dictionary(entry):
            crc, size = crc32(chunk, crc), size + len(chunk)
            yield _deflate_chunk(chunk, previous, last)
        self.sums[entry.name] = (crc, size)

    def _feed(self) -> None:
        try:
            for entry in self.entries:
                queue = self._queues[entry.name]
                cost = entry.size
                if _in_one_piece(cost):
                    if not self._admit(cost, alone=True):
                        return
                    self._submit(queue, cost, True, self._whole_task, entry)
                    continue
                crc = size = 0
                for chunk, previous, last in _chunks_with_dictionary(entry):
                    crc, size = crc32(chunk, crc), size + len(chunk)
                    if not self._admit(len(chunk)):
                        return
                    if last:
                        self.sums[entry.name] = (crc, size)
                    self._submit(queue, len(chunk), last, _deflate_chunk, chunk, previous, last)
        except BaseException as exc:  # a file that vanished or cannot be read: the writer raises it
            with self._cond:
                self._error = exc
                self._cond.notify_all()

    def _admit(self, cost: int, alone: bool = False) -> bool:
        """Wait until *cost* more bytes may be held; False once closed.

        A chunk waits while the budget is used up; a whole file waits until it fits the budget
        beside what is held, or until nothing is held.
        """
        with self._cond:
            while not self._closed and (
                (self._held and self._held + cost > self.budget) if alone else self._held >= self.budget
            ):
                self._cond.wait()
            if self._closed:
                return False
            self._held += cost
            return True

    def _submit(self, queue: Deque, cost: int, last: bool, task, *args) -> None:
        future = self._pool.submit(task, *args)
        future.add_done_callback(functools.partial(self._deflated, cost))
        with self._cond:
            queue.append((future, last))
            self._cond.notify_all()

    def _whole_task(self, entry: Entry) -> bytes:
        crc, size, data = _whole(entry, self._compress)
        self.sums[entry.name] = (crc, size)  # read by the writer only after this task's result
        return data

    def _deflated(self, cost: int, future) -> None:
        """Input of *cost* bytes is now output: count the output instead (order with take() does not matter)."""
        with self._cond:
            ok = not future.cancelled() and future.exception() is None
            self._held += (len(future.result()) if ok else 0) - cost
            self._cond.notify_all()

    def close(self) -> None:
        """Stop reading and deflating (also when the writer gave up halfway)."""
        if not self.threaded:
            return
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._feeder.join()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "Deflater":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _write_all(out, pieces: Iterable) -> int:
    """Write the deflated *pieces*; their total size. A function of its own, so that the last piece
    is let go at once rather than held while the next file is compressed."""
    written = 0
    for piece in pieces:
        out.write(piece)
        written += len(piece)
    return written


def _copy_stored(entry: Entry, out, buffer: memoryview) -> Tuple[int, int]:
    """Copy a stored entry into the zip through *buffer*, reused (no allocation per chunk); its (CRC-32, size)."""
    if entry.data is not None:
        out.write(entry.data)
        return crc32(entry.data), len(entry.data)
    crc = size = 0
    with open(entry.source, "rb", buffering=0) as fh:
        while True:
            n = fh.readinto(buffer)
            if not n:
                return crc, size
            crc, size = crc32(buffer[:n], crc), size + n
            out.write(buffer[:n])


def write_zip(
    entries: Iterable[Entry],
    target: Path,
    jobs: Optional[int] = None,
    progress: Optional[Callable[[int, int], None]] = None,
    digest: bool = False,
    ahead: Optional[Deflater] = None,
) -> Tuple[int, str]:
    """Write *entries* in the given order to *target*.

    :param jobs: threads that deflate (default: every available core). The output does not depend on it.
    :param ahead: a :class:`Deflater` already working on some of the entries (the caller closes it).
    :param progress: called as ``progress(files_done, bytes_done)`` after each entry.
    :param digest: also return the sha256 of the zip (costs one read of the output).
    :return: (size in bytes, sha256 hex or "").
    """
    entries = list(entries)
    jobs = jobs or default_jobs()
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    try:
        early = ahead.names if ahead is not None else frozenset()
        with os.fdopen(fd, "wb") as fh, Deflater((e for e in entries if e.name not in early), jobs) as rest:
            stream = ZipStream(fh, build_timestamp())
            buffer = memoryview(bytearray(CHUNK))
            done = 0
            for index, entry in enumerate(entries):
                rec = stream.begin(entry, entry.size)
                if entry.stored:
                    rec.crc, rec.size = _copy_stored(entry, fh, buffer)
                    rec.csize = rec.size
                else:
                    deflater = ahead if entry.name in early else rest
                    rec.csize = _write_all(fh, deflater.take(entry))
                    rec.crc, rec.size = deflater.sums[entry.name]
                stream.finish(rec)
                done += rec.size
                if progress:
                    progress(index + 1, done)
            stream.close()
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, target)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    sha = ""
    if digest:
        h = hashlib.sha256()
        with open(target, "rb") as fh:
            for block in iter(lambda: fh.read(CHUNK), b""):
                h.update(block)
        sha = h.hexdigest()
    return target.stat().st_size, sha
