"""The body a browser posts to /mis/_dash-update-component for one tab and its filters."""

from __future__ import annotations


def tab_request(tab: str, period: str, type_id=None, district=None) -> dict:  # type: ignore[no-untyped-def]
    return {
        "output": "tab-body.children",
        "outputs": {"id": "tab-body", "property": "children"},
        "inputs": [
            {"id": "tab", "property": "value", "value": tab},
            {"id": "stakeholder", "property": "value", "value": None},
            {"id": "period", "property": "value", "value": period},
            {"id": "type", "property": "value", "value": type_id},
            {"id": "district", "property": "value", "value": district},
            {"id": "block", "property": "value", "value": None},
        ],
        "changedPropIds": ["tab.value"],
        "state": [],
    }
