"""Code lists of the two shipped platform profiles (pure data; loaded by a data migration).

"gbt39046" follows GB/T 39046-2020 Annex A. "provincial-variant" is a province that numbers some of the
same things differently (satisfaction 1 = very dissatisfied … 5 = very satisfied; 承诺件 = 1, 即办件 = 2),
to show that codes are configuration. Codes the standard text we hold does not fix (applicant ID types,
result kinds, rating channels) are marked LOCAL: replace them with the platform's own list.
"""

GBT39046 = {
    "item_type": {"licence": "01", "penalty": "02", "coercion": "03", "levy": "04", "benefit": "05",
                  "inspection": "06", "confirmation": "07", "reward": "08", "adjudication": "09",
                  "other_power": "10", "public_service": "20"},
    "case_type": {"immediate": "1", "committed": "2"},
    "apply_channel": {"window": "1", "pc": "2", "mobile": "3", "post": "4", "other": "9"},
    # 服务对象 (A.3): 自然人 1, 企业法人 2, 事业法人 3, 社会组织法人 4, 行政机关 6, 其他组织机构 9. The kind of
    # organisation is read from its credit code (GB 32100 positions 1-2, see events.applicant_type).
    "applyer_type": {"person": "1", "enterprise": "2", "public_institution": "3", "social_organisation": "4",
                     "government": "6", "other_organisation": "9"},
    # LOCAL: 业务动作 of a handling step (GB/T 39046 Table 7): pass, return, other.
    "handle_action": {"pass": "1", "return": "2", "other": "9"},
    # LOCAL: ID document types.
    "applyer_page_type": {"resident_id": "111", "uscc": "001", "passport": "414", "other": "999"},
    # LOCAL: completion result kinds.
    "result_type": {"granted": "1", "refused": "2", "not_accepted": "3", "withdrawn": "4", "terminated": "5",
                    "deficiency_terminated": "6", "forwarded": "7"},
    # 特别程序种类: extension (延长审批) is 1, every other special procedure 2.
    "special_type": {"extension": "1", "hearing": "2", "testing": "2", "inspection": "2", "appraisal": "2",
                     "expert_review": "2", "public_notice": "2", "site_check": "2", "suspension": "2",
                     "tender": "2", "auction": "2", "quarantine": "2"},
    "satisfaction": {"very_satisfied": "1", "satisfied": "2", "basically_satisfied": "3", "dissatisfied": "4",
                     "very_dissatisfied": "5"},
    # LOCAL: rating channels (PC, mobile, QR code, hall tablet, other hall terminal, phone, SMS, default).
    "rating_channel": {"pc": "1", "mobile": "2", "qr_code": "3", "window_pad": "4", "hall_terminal": "5",
                       "phone": "6", "sms": "7", "default": "9"},
}

PROVINCIAL_VARIANT = {
    **GBT39046,
    "case_type": {"committed": "1", "immediate": "2"},
    "satisfaction": {"very_dissatisfied": "1", "dissatisfied": "2", "basically_satisfied": "3", "satisfied": "4",
                     "very_satisfied": "5"},
}

PROFILES = {
    "gbt39046": ("GB/T 39046-2020", GBT39046),
    "provincial-variant": ("省级平台（代码变体）", PROVINCIAL_VARIANT),
}


def add_missing_mappings(PlatformProfile, CodeMapping) -> None:
    """Add the shipped codes a profile does not have yet, leaving codes an administrator changed alone."""
    for name, (_title, lists) in PROFILES.items():
        profile = PlatformProfile.objects.filter(name=name).first()
        if profile is None:
            continue
        for field, codes in lists.items():
            for meaning, code in codes.items():
                CodeMapping.objects.get_or_create(profile=profile, field=field, meaning=meaning,
                                                  defaults={"code": code})


def load_profiles(PlatformProfile, CodeMapping) -> None:
    """Create the shipped profiles (inactive, no endpoint) and their mappings; idempotent."""
    for name, (title, lists) in PROFILES.items():
        profile, _ = PlatformProfile.objects.get_or_create(name=name, defaults={"title": title})
        for field, codes in lists.items():
            for meaning, code in codes.items():
                CodeMapping.objects.update_or_create(profile=profile, field=field, meaning=meaning,
                                                     defaults={"code": code})
