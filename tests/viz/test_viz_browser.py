"""The stepper in a real browser: headless Chromium opens a page with two
steppers, and the test clicks next and previous, presses the arrow keys with
no element focused, toggles the highlight, and reads back which frame is
visible and what the counter says each time.  It leaves a screenshot in
out/stepper-browser.png.

Needs Chromium, its driver and Selenium: apt-get install chromium
chromium-driver, pip install selenium (.ci/run installs them; on CI a skip
fails the run)."""
import os
import shutil
import tempfile

import pytest
from viz_helpers import require

from autograd import Value, stepper
from autograd.viz.stepping import page

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHOT = os.path.join(ROOT, "out", "stepper-browser.png")
HOW = ("needs Chromium, chromedriver and Selenium: apt-get install chromium chromium-driver "
       "&& pip install selenium")


def _browser():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip(HOW)
    binary = next(filter(None, map(shutil.which, ("chromium", "chromium-browser"))), None)
    driver = shutil.which("chromedriver")
    if binary is None or driver is None:
        pytest.skip(HOW)
    opts = webdriver.ChromeOptions()
    opts.binary_location = binary
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage", "--window-size=1400,1000",
                 f"--user-data-dir={tempfile.mkdtemp(prefix='cg-chromium-')}"):
        opts.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path=driver), options=opts)


def _state(browser, sid):
    """(visible frame's step, counter text, highlighted picture shown?)."""
    return browser.execute_script("""
        var root = document.getElementById(arguments[0]);
        var on = Array.prototype.filter.call(root.querySelectorAll('.cg-frame'),
            function (f) { return f.offsetParent !== null; });
        var lit = on.length === 1 ? on[0].querySelector('.cg-lit') : null;
        return [on.map(function (f) { return +f.dataset.step; }),
                root.querySelector('.cg-counter').textContent,
                !!(lit && lit.offsetParent !== null)];""", sid)


def test_stepper_in_headless_chromium(tmp_path):
    require("dot")
    browser = _browser()
    try:
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys
        x = Value(0.7, label="x"); y = Value(-1.2, label="y")
        big = stepper((x * y + x.exp()).tanh() + x / 2, highlight=x, title="first")
        a = Value(2.0, label="a")
        small = stepper(a * a * 3.0, highlight=a, title="second")
        path = tmp_path / "two.html"
        path.write_text(page([big, small], "two steppers"), encoding="utf-8")
        browser.get(path.as_uri())
        first, second = (e.get_attribute("id")
                         for e in browser.find_elements(By.CSS_SELECTOR, ".cg-stepper"))
        n = big.steps
        assert _state(browser, first) == [[0], f"step 0 of {n}", False]
        one = browser.find_element(By.ID, first)

        def keys(*ks):
            # sent to the page, not to an element: nothing has focus yet
            chain = ActionChains(browser)
            for k in ks:
                chain.send_keys(k)
            chain.perform()

        # arrow keys before any click: the stepper most in view (the first)
        keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
        assert _state(browser, first) == [[2], f"step 2 of {n}", False]
        keys(Keys.ARROW_LEFT)
        assert _state(browser, first) == [[1], f"step 1 of {n}", False]
        # the buttons
        one.find_element(By.CSS_SELECTOR, ".cg-next").click()
        assert _state(browser, first) == [[2], f"step 2 of {n}", False]
        one.find_element(By.CSS_SELECTOR, ".cg-prev").click()
        one.find_element(By.CSS_SELECTOR, ".cg-prev").click()
        assert _state(browser, first) == [[0], f"step 0 of {n}", False]
        assert not one.find_element(By.CSS_SELECTOR, ".cg-prev").is_enabled()
        one.find_element(By.CSS_SELECTOR, ".cg-prev").click()           # disabled: stays
        assert _state(browser, first) == [[0], f"step 0 of {n}", False]
        # the highlight, then keys while the checkbox has focus
        one.find_element(By.CSS_SELECTOR, "input.cg-lit").click()
        assert _state(browser, first) == [[0], f"step 0 of {n}", True]
        keys(*[Keys.ARROW_RIGHT] * (n + 3))                               # past the end: stays
        assert _state(browser, first) == [[n], f"step {n} of {n}", True]
        assert not one.find_element(By.CSS_SELECTOR, ".cg-next").is_enabled()
        browser.execute_script("arguments[0].scrollIntoView()", one)
        os.makedirs(os.path.dirname(SHOT), exist_ok=True)
        assert browser.save_screenshot(SHOT)
        one.find_element(By.CSS_SELECTOR, "input.cg-lit").click()
        assert _state(browser, first) == [[n], f"step {n} of {n}", False]
        # a click into the second stepper sends the keys there, and only there
        two = browser.find_element(By.ID, second)
        two.find_element(By.CSS_SELECTOR, ".cg-counter").click()
        keys(Keys.ARROW_RIGHT)
        assert _state(browser, second) == [[1], f"step 1 of {small.steps}", False]
        assert _state(browser, first) == [[n], f"step {n} of {n}", False]
        # typing into a text field steps nothing
        browser.execute_script("var t = document.createElement('textarea'); t.id = 'typing';"
                               "document.body.appendChild(t); t.focus();")
        keys(Keys.ARROW_LEFT)
        assert _state(browser, second) == [[1], f"step 1 of {small.steps}", False]
        assert os.path.getsize(SHOT) > 10_000
    finally:
        browser.quit()
