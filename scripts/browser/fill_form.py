"""Fills and submits a page's form in headless Chromium (Debian's, driven by Playwright), as
a person with a keyboard would: each field found by its label's `for`, typed (or chosen, for
a select), then the submit button pressed. Prints what came back as JSON on stdout:
{"status", "url", "html"}, and saves screenshots of the filled form and of the answer.

usage: fill_form.py URL FIELDS_JSON SCREENSHOT_PREFIX
FIELDS_JSON: [["name", "value"], ...] — the inputs' `name`s, in the order a person fills them.
"""
import json
import sys

from playwright.sync_api import sync_playwright


def main():
    url, fields, prefix = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-dev-shm-usage"])
        page = browser.new_page(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
        page.goto(url)
        for name, value in fields:
            field = page.locator(f'[name="{name}"]')
            # A person finds the field by its label: each one must have a label tied to it.
            label = page.locator(f'label[for="{field.get_attribute("id")}"]')
            if label.count() != 1:
                raise SystemExit(f"field {name} has no label tied to it")
            if page.locator(f'select[name="{name}"]').count() == 1:
                field.select_option(value)
            else:
                field.fill(value)
        page.screenshot(path=f"{prefix}-filled.png", full_page=True)
        with page.expect_navigation() as navigation:
            page.locator('button[type="submit"]').click()
        response = navigation.value
        page.screenshot(path=f"{prefix}-answer.png", full_page=True)
        print(json.dumps({"status": response.status if response else 0, "url": page.url, "html": page.content()}))
        browser.close()


if __name__ == "__main__":
    main()
