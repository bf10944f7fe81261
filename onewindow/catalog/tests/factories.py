"""Valid catalog data for tests; tweak with keyword overrides to break one rule at a time."""

import copy

from onewindow.catalog.services import item_create, version_publish

BASE = {
    "name": "社会团体成立登记",
    "short_name": "社团成立",
    "item_type": "licence",
    "handle_item_code": "",
    "legal_basis": "《社会团体登记管理条例》第九条",
    "exercise_level": "provincial",
    "power_division": "",
    "exercise_content": "",
    "implementing_body": "湖南省民政厅",
    "implementing_body_code": "11430000006122340X",
    "implementing_body_nature": "法定机关",
    "handling_unit": "社会组织管理局",
    "joint_departments": "",
    "intermediary_services": "",
    "quantity_limit": "",
    "statutory_limit": 60,
    "statutory_limit_unit": "working_days",
    "statutory_limit_note": "",
    "promised_limit": 0,
    "promised_limit_unit": "on_the_spot",
    "promised_limit_note": "",
    "case_type": "immediate",
    "route": "on_site",
    "acceptance_conditions": "有50个以上的个人会员或者30个以上的单位会员",
    "prohibitions": "",
    "special_procedures": "",
    "result_name": "社会团体法人登记证书",
    "result_type": "certificate",
    "result_sample": "社会团体法人登记证书样本.pdf",
    "charges_fee": False,
    "fee_basis": "",
    "fee_standard": "",
    "service_objects": ["natural_person", "social_organisation"],
    "channels": ["window", "pc"],
    "online": True,
    "online_url": "https://example.org/apply",
    "online_depth": 3,
    "visits_required": 1,
    "visits_reason": "领取证书",
    "supports_appointment": True,
    "supports_online_payment": False,
    "supports_delivery": True,
    "service_scope": "全省",
    "in_hall": True,
    "address": "长沙市政务服务中心二楼民政窗口12号",
    "hours": "工作日 上午9:00-12:00 下午13:00-17:00",
    "consult_phone": "0731-84000001",
    "complaint_phone": "0731-12345",
    "allows_deficiency": True,
    "assisted": True,
    "fast_lane": False,
    "org_kinds": ["social_group"],
    "registry_action": "establish",
    "topics": ["社会组织"],
    "keywords": "社团 登记",
    "materials": [
        {"order": 1, "key": "application", "name": "成立登记申请书", "source": "applicant", "issuer": "",
         "originals": 1, "copies": 0, "form": "paper", "required": True, "secondary": False,
         "blank_form": "申请书.docx", "sample": "申请书样表.pdf", "acceptance_standard": "", "notes": "",
         "basis": "", "reusable_as": ""},
        {"order": 2, "key": "charter", "name": "章程草案", "source": "applicant", "issuer": "",
         "originals": 1, "copies": 1, "form": "both", "required": True, "secondary": True,
         "blank_form": "", "sample": "", "acceptance_standard": "", "notes": "", "basis": "",
         "reusable_as": ""},
    ],
    "steps": [
        {"order": 1, "kind": "accept", "name": "受理", "time_limit": 0, "description": ""},
        {"order": 2, "kind": "decide", "name": "决定", "time_limit": 0, "description": ""},
    ],
    "faqs": [{"order": 1, "question": "需要多少会员？", "answer": "50个以上的个人会员。"}],
    "form_fields": [
        {"order": 1, "key": "name", "label": "名称", "type": "text", "required": True, "choices": [],
         "help_text": ""},
    ],
}


def item_data(**overrides) -> dict:
    data = copy.deepcopy(BASE)
    data.update(overrides)
    return data


def published_item(code: str = "11430000006122340X2000000000001", actor=None, **overrides):
    item = item_create(code=code, basic_code=code[-12:], actor=actor, data=item_data(**overrides))
    version_publish(version=item.versions.get(), actor=actor)
    item.refresh_from_db()
    return item


def catalog_file(*entries: dict, label: str = "参考配置（非官方清单）") -> dict:
    return {"format": "onewindow-catalog", "format_version": 1, "label": label, "items": list(entries)}


def file_entry(code: str, basic_code: str = "", **overrides) -> dict:
    return {"code": code, "basic_code": basic_code, **item_data(**overrides)}
