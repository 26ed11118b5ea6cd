"""The real page in a real browser: Debian's Chromium driven by Selenium, against the app served by
waitress on a free local port.

Set BOLETINES_SCREENSHOT=docs/screenshot.png (any path) to also save the README screenshot.
"""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
WAIT_SECONDS = 30  # an upper bound for conditions, never a fixed sleep
CHROME_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run", "--lang=es-MX", "--hide-scrollbars"]


@pytest.fixture(scope="module")
def server(index_dir, corpus):
    """The app served by waitress in a background thread, as `boletines serve` does."""
    waitress = pytest.importorskip("waitress")
    from webapp import create_app

    app = create_app({"INDEX_DIR": str(index_dir), "CORPUS_DIR": str(corpus)})
    httpd = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=httpd.run, name="waitress", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.effective_port}"
    httpd.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    webdriver = pytest.importorskip("selenium.webdriver")
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("Chromium is not installed (apt-get install chromium chromium-driver)")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for arg in CHROME_ARGS:
        options.add_argument(arg)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_argument("--window-size=1280,900")
    # Chromium on Linux takes its locale (date inputs as dd/mm/aaaa) from LANGUAGE, not from --lang.
    service = Service(executable_path=CHROMEDRIVER, env={**os.environ, "LANGUAGE": "es_MX:es"})
    driver = webdriver.Chrome(service=service, options=options)
    yield driver
    driver.quit()


def wait(driver, condition):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_SECONDS).until(condition)


def search_by_typing(driver, base: str, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver.get(base + "/")
    box = driver.find_element(By.ID, "q")
    box.clear()
    box.send_keys(text + Keys.ENTER)
    wait(driver, lambda d: "/?" in d.current_url and "q=" in d.current_url)
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "ol.hits li"))


def marks(driver) -> list[str]:
    from selenium.webdriver.common.by import By

    return [m.text for m in driver.find_elements(By.TAG_NAME, "mark") if m.is_displayed()]


def test_unaccented_query_typed_in_the_box_highlights_accented_words(browser, server):
    search_by_typing(browser, server, "reunion salomon")
    assert "Salomón" in marks(browser)
    assert "desde=" not in browser.current_url  # the script leaves empty fields out of the URL

    search_by_typing(browser, server, "oaxaca alianza estrategica")
    assert "estratégica" in marks(browser)


def test_result_opens_the_bulletin_with_the_words_marked(browser, server):
    from selenium.webdriver.common.by import By

    search_by_typing(browser, server, "reunion salomon")
    browser.find_element(By.CSS_SELECTOR, "ol.hits .hit-title a").click()
    wait(browser, lambda d: "/boletin/" in d.current_url)
    assert "Salomón" in marks(browser) and "reunión" in marks(browser)
    assert browser.find_element(By.ID, "titulo-relacionados").is_displayed()
    browser.find_element(By.PARTIAL_LINK_TEXT, "Volver a los resultados").click()
    wait(browser, lambda d: "/boletin/" not in d.current_url)
    assert "q=reunion+salomon" in browser.current_url


def test_skip_link_comes_first_for_keyboard_users(browser, server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(server + "/")
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.text == "Saltar al contenido" and focused.is_displayed()


def test_phone_width_has_no_horizontal_scroll(browser, server):
    browser.set_window_size(390, 844)
    try:
        browser.get(server + "/?q=salud&agencia=Comisi%C3%B3n+Coordinadora+de+Institutos+Nacionales+de+Salud"
                             "+y+Hospitales+de+Alta+Especialidad+(INSHAE)")
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
    finally:
        browser.set_window_size(1280, 900)


def test_search_box_offers_completions(browser, server):
    from selenium.webdriver.common.by import By

    browser.get(server + "/")
    browser.find_element(By.ID, "q").send_keys("vacu")
    values = wait(browser, lambda d: [o.get_attribute("value")
                                      for o in d.find_elements(By.CSS_SELECTOR, "datalist#sugerencias option")])
    assert "vacunación" in values


@pytest.mark.skipif(not os.environ.get("BOLETINES_SCREENSHOT"), reason="set BOLETINES_SCREENSHOT=path to save one")
def test_save_readme_screenshot(browser, server):
    search_by_typing(browser, server, "salud oaxaca")
    target = Path(os.environ["BOLETINES_SCREENSHOT"])
    target.parent.mkdir(parents=True, exist_ok=True)
    browser.set_window_size(1280, 1000)
    try:
        assert browser.save_screenshot(str(target))
    finally:
        browser.set_window_size(1280, 900)


def test_timeline_bar_leads_to_that_months_results(browser, server):
    from selenium.webdriver.common.by import By

    browser.get(server + "/?q=salud")
    bar = browser.find_element(By.CSS_SELECTOR, 'svg.timeline-chart a.bar[data-period="2024-06"]')
    assert bar.get_attribute("aria-label") == "junio de 2024: 1 boletín"
    bar.click()
    wait(browser, lambda d: "desde=2024-06-01" in d.current_url and "hasta=2024-06-30" in d.current_url)
    dates = [t.get_attribute("datetime") for t in browser.find_elements(By.CSS_SELECTOR, "ol.hits time")]
    assert dates and all(day.startswith("2024-06") for day in dates)
    period = browser.find_element(By.CSS_SELECTOR, ".timeline-period")
    assert "junio de 2024" in period.text
    period.find_element(By.LINK_TEXT, "Quitar periodo").click()
    wait(browser, lambda d: "desde=" not in d.current_url and "q=salud" in d.current_url)


@pytest.mark.skipif(not os.environ.get("BOLETINES_SCREENSHOTS"),
                    reason="set BOLETINES_SCREENSHOTS=folder (and optionally BOLETINES_SCREENSHOT_INDEX=index) "
                           "to save the timeline and comparison screenshots")
def test_save_timeline_and_compare_screenshots(browser, server):
    """docs/timeline.png and docs/comparar.png, over BOLETINES_SCREENSHOT_INDEX when given (a bigger
    index makes a fuller chart) or else the test corpus."""
    from urllib.parse import urlencode

    from selenium.webdriver.common.by import By

    folder = Path(os.environ["BOLETINES_SCREENSHOTS"])
    folder.mkdir(parents=True, exist_ok=True)
    base, httpd = server, None
    if os.environ.get("BOLETINES_SCREENSHOT_INDEX"):
        import waitress

        from webapp import create_app

        app = create_app({"INDEX_DIR": os.environ["BOLETINES_SCREENSHOT_INDEX"]})
        httpd = waitress.create_server(app, host="127.0.0.1", port=0, threads=2)
        threading.Thread(target=httpd.run, daemon=True).start()
        base = f"http://127.0.0.1:{httpd.effective_port}"
    words = os.environ.get("BOLETINES_SCREENSHOT_QUERIES", "salud|vacunacion|dengue").split("|")
    try:
        browser.set_window_size(1280, 1100)
        browser.get(base + "/?" + urlencode({"q": words[0]}))
        wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "svg.timeline-chart"))
        assert browser.save_screenshot(str(folder / "timeline.png"))
        browser.get(base + "/comparar?" + urlencode([("q", w) for w in words]))
        wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "svg.compare-chart"))
        assert browser.save_screenshot(str(folder / "comparar.png"))
    finally:
        browser.set_window_size(1280, 900)
        if httpd is not None:
            httpd.close()
