"""GB/T 39046-2020 Annex A codes for the catalog's semantic enums (used only at interfaces)."""

from .models import CaseType, Channel, ExerciseLevel, ItemType, ServiceObject

ITEM_TYPE = {
    ItemType.LICENCE: "01", ItemType.PENALTY: "02", ItemType.COERCION: "03", ItemType.LEVY: "04",
    ItemType.BENEFIT: "05", ItemType.INSPECTION: "06", ItemType.CONFIRMATION: "07", ItemType.REWARD: "08",
    ItemType.ADJUDICATION: "09", ItemType.OTHER_POWER: "10", ItemType.PUBLIC_SERVICE: "20",
}
EXERCISE_LEVEL = {
    ExerciseLevel.NATIONAL: "1", ExerciseLevel.PROVINCIAL: "2", ExerciseLevel.CITY: "3",
    ExerciseLevel.COUNTY: "4", ExerciseLevel.TOWNSHIP: "5", ExerciseLevel.VILLAGE: "6",
    ExerciseLevel.GRADED: "7",
}
SERVICE_OBJECT = {
    ServiceObject.NATURAL_PERSON: "1", ServiceObject.ENTERPRISE: "2", ServiceObject.PUBLIC_INSTITUTION: "3",
    ServiceObject.SOCIAL_ORGANISATION: "4", ServiceObject.GOVERNMENT: "5", ServiceObject.OTHER_ORGANISATION: "6",
}
CHANNEL = {Channel.WINDOW: "1", Channel.PC: "2", Channel.MOBILE: "3", Channel.POST: "4", Channel.OTHER: "9"}
CASE_TYPE = {CaseType.IMMEDIATE: "1", CaseType.COMMITTED: "2"}
