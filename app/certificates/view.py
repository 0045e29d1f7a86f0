"""What a certificate printout shows: a plain value handed from the certificate core to printing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class CertificateView:
    village_name: str
    village_code: str
    serial: str
    kind_name: str
    title: str  # e.g. "居住证明"
    body: str  # reference text, fields filled: the applicant's own ID number in full, other personal data masked
    applicant_name: str
    purpose: str
    issue_date: datetime.date
    verifier: str
    approver: str
    qr_payload: str  # ASCII text for the QR code, < 300 chars
    check_code: str  # 6 characters, printed beside the QR code
    reprint: bool
    print_count: int
    chain_head: str  # e.g. "第 123 号 · 3f2a9c1b"
    stub_lines: list[tuple[str, str]]  # (label, value) rows of the stub
    applicant_id_number: str = ""  # printed whole in the body only (the stub and every list mask it)
