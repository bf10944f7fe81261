"""The progress query code printed on the acceptance notice and the portal receipt.

An organisation's case has no private number the public query could ask for (its credit code is public), and
its contact mobile may be a shared office line. The code is derived, not stored: an HMAC of the case number
keyed by SECRET_KEY (`salted_hmac`). So it needs no column or migration, every reprint of the notice shows the
same code, and a copy of the database does not reveal it (a stored hash of a short code could be brute-forced
offline from a stolen backup; the HMAC cannot without the key). Rotating SECRET_KEY changes every code — old
receipts then fall back to the mobile digits. Eight characters of a 32-letter alphabet (40 bits) against the
progress limits (5 guesses per case per 15 minutes) cannot be guessed."""

import hmac

from django.utils.crypto import salted_hmac

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read off paper
LENGTH = 8


def progress_query_code(case_no: str) -> str:
    digest = salted_hmac("onewindow.cases.progress-query-code", case_no, algorithm="sha256").digest()
    return "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:LENGTH])


def query_code_matches(case_no: str, proof: str) -> bool:
    """`proof` as typed (spaces, hyphens and case ignored) is this case's query code."""
    typed = "".join(proof.split()).replace("-", "").upper()
    return len(typed) == LENGTH and bool(case_no) and hmac.compare_digest(typed, progress_query_code(case_no))
