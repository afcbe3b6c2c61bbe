"""libxml2 never writes to the terminal, in any thread (issue 9).

The SDK's C reader used to let libxml2 print every parse error on fd 2 with the offending line,
raw: an engine answer holding ``ESC ] 52`` set the operator's clipboard. ``capfd`` captures the
real file descriptor 2, where libxml2 writes (not Python's ``sys.stderr``). The TUI reads in
worker threads, and libxml2 keeps its error handler per thread: new threads are checked too.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import ovirtsdk4
import pytest
from ovirtsdk4 import reader as sdk_reader

from ovtui import xmlsafe
from ovtui.actions.base import EXIT_FAILED
from ovtui.actions.errors import translate
from ovtui.sim.testing import connect

BAD = [
    b"<vms><vm id='1'><name>clip\x1b]52;c;cm0gLXJmIH4=\x07</name></vm></vms>",
    b"<vms><vm id='1'><name>web1</name>",
    b"<html><body>503 Service Unavailable</body>",
    b"\x00\x01\x02",
]


def read(body: bytes) -> str:
    with pytest.raises(xmlsafe.UnreadableXml) as info:
        sdk_reader.Reader.read(body)
    return str(info.value)


def test_malformed_answers_are_one_error_and_nothing_on_fd_2(capfd):
    assert xmlsafe.libxml2_silenced()
    messages = [read(b) for b in BAD]
    with ThreadPoolExecutor(4) as pool:  # threads created after the handler was installed
        messages += list(pool.map(read, BAD))
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
    assert all(m.startswith("The engine sent XML that cannot be read: ") for m in messages)
    assert all("\x1b" not in m and "\x07" not in m for m in messages)
    assert "PCDATA invalid Char value 27 at line 1, column 27: " in messages[0]
    assert "clip\\x1b]52;c;cm0gLXJmIH4=\\x07" in messages[0]


def test_a_good_answer_after_a_bad_one_in_the_same_thread_reads_fine(capfd):
    read(BAD[0])
    vms = sdk_reader.Reader.read(b"<vms><vm id='1'><name>web[1]</name></vm></vms>")
    assert [v.name for v in vms] == ["web[1]"]
    assert capfd.readouterr() == ("", "")


def test_esc_from_the_simulator_in_a_worker_thread(sim, capfd):
    """Over real HTTP, as a TUI worker reads: UnreadableXml, translated to exit 1."""
    vm = next(iter(sim.world.coll["vms"].values()))
    with sim.world.lock:
        vm.name = "pwn\x1b]0;title\x07"
    conn = connect(sim)
    caught: list[BaseException] = []

    def worker() -> None:
        try:
            conn.system_service().vms_service().list()
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            caught.append(exc)

    t = threading.Thread(target=worker)
    t.start()
    t.join(30)
    conn.close()
    assert capfd.readouterr() == ("", "")
    assert len(caught) == 1 and isinstance(caught[0], ovirtsdk4.Error), caught
    err = translate(caught[0], "listing vms")
    assert err.exit_code == EXIT_FAILED
    assert err.message.startswith("Listing vms: the engine sent XML that cannot be read: ")
    assert "pwn\\x1b]0;title\\x07" in err.message


def test_a_value_the_reader_cannot_convert_is_the_same_error():
    """Well-formed XML with a non-number where the SDK wants one (a ValueError inside)."""
    msg = read(b"<vms><vm id='1'><memory>lots\xe2\x80\xae</memory></vm></vms>")
    assert "lots\\u202e" in msg


def test_a_thread_that_parsed_before_install_is_silenced_on_its_next_read():
    """libxml2's handler is per thread: a thread that existed (and used libxml2) before
    ``install()`` gets it on its first read through the SDK afterwards."""
    script = r"""
import sys, threading
import ovirtsdk4.readers
from ovirtsdk4 import reader
parsed, installed = threading.Event(), threading.Event()
def worker():
    try:
        reader.Reader.read(b"<vms><vm>\x1b[31mbefore</vm>")
    except Exception:
        pass
    print("---", file=sys.stderr, flush=True)
    parsed.set()
    installed.wait(30)
    try:
        reader.Reader.read(b"<vms><vm>\x1b[31mafter</vm>")
    except Exception as exc:
        print(type(exc).__name__, flush=True)
t = threading.Thread(target=worker)
t.start()
parsed.wait(30)
from ovtui import xmlsafe
xmlsafe.install()
installed.set()
t.join(30)
"""
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, timeout=60, check=True
    )
    before, _, after = proc.stderr.partition(b"---\n")
    assert b"before" in before  # libxml2 printed, raw, before install (the old behaviour)
    assert after == b""  # and nothing after it, in the same thread
    assert proc.stdout.strip() == b"UnreadableXml"
