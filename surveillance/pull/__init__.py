"""Pull mode: one asyncio process (`manage.py ingest_pull`) holding an event stream to every device that cannot
push (see base for the driver contract, runner for the process)."""


def credentials_of(device) -> str:
    """A PullDevice's password, decrypted (raises CredentialError when no configured key opens it)."""
    from ..credentials import decrypt

    return decrypt(device.password_encrypted)
