"""The Dask executor's address rule: loopback or tls:// only, unless the user says --insecure."""
import pytest

from scenes.pipeline.farm import FarmError, check_address


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:8786", "tcp://localhost:8786", "tcp://[::1]:8786",
                                     "tls://farm.example.org:8786", "127.0.0.1:8786"])
def test_loopback_and_tls_addresses_are_accepted_silently(address):
    warnings = []
    check_address(address, warn=warnings.append)
    assert warnings == []


@pytest.mark.parametrize("address", ["tcp://10.0.0.5:8786", "tcp://farm.example.org:8786", "192.168.1.2:8786"])
def test_plain_tcp_to_another_machine_is_refused_without_insecure(address):
    with pytest.raises(FarmError, match="--insecure"):
        check_address(address)
    warnings = []
    check_address(address, insecure=True, warn=warnings.append)
    assert len(warnings) == 1 and "anyone who can reach it can run code" in warnings[0]


def test_an_unknown_scheme_is_refused():
    with pytest.raises(FarmError, match="tcp:// or tls://"):
        check_address("ws://127.0.0.1:8786")
