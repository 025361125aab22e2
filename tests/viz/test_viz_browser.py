"""The stepper in a real browser (headless Chromium).

* A page with two steppers: the test clicks next and previous, presses the
  arrow keys with no element focused, toggles the highlight, and reads back
  which step the caption and counter show and the gradients the picture
  shows, each time against ``backward_frames``.
* The micrograd lecture's whole loss, ``MLP(3, [4, 4, 1])`` over its four
  examples, in a laptop-sized window (1366 x 768): at three steps the yellow
  operation is on screen, its text is at least 10 px tall, and the picture's
  numbers are that step's.  A screenshot of each step is saved in the test's
  temporary folder (and copied to ``$CHAINGRAD_SHOTS`` when that is set).
* The same page with JavaScript disabled shows step 0.

Needs Chromium, its driver and Selenium: apt-get install chromium
chromium-driver, pip install selenium (.ci/run installs them; on CI a skip
fails the run)."""
import os
import shutil
import tempfile

import pytest
from viz_helpers import require

from autograd import Value, backward_frames, stepper
from autograd.viz.labels import num
from autograd.viz.stepping import page

HOW = ("needs Chromium, chromedriver and Selenium: apt-get install chromium chromium-driver "
       "&& pip install selenium")


def _browser(width=1400, height=1000, scripts=True):
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
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             "--disable-dev-shm-usage", "--hide-scrollbars", f"--window-size={width},{height}",
             f"--user-data-dir={tempfile.mkdtemp(prefix='cg-chromium-')}"]
    if not scripts:
        flags.append("--blink-settings=scriptEnabled=false")
        opts.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2})
    for flag in flags:
        opts.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path=driver), options=opts)


# What a reader sees in stepper `sid`: the step the caption names, the
# counter, whether the highlighted picture is the one shown, and the text of
# the last cell (the gradient) of every value box in the picture shown.
_STATE = """
    var root = document.getElementById(arguments[0]);
    var views = Array.prototype.filter.call(root.querySelectorAll('.cg-view > div'),
        function (d) { return d.offsetParent !== null; });
    var grads = {};
    if (views.length === 1) {
        var prefix = arguments[0] + (views[0].className === 'cg-lit' ? '-h-' : '-p-');
        views[0].querySelectorAll('g.node').forEach(function (g) {
            if (g.id.indexOf(prefix + 'v') !== 0) return;
            var t = g.querySelectorAll('text');
            grads[g.id.slice(prefix.length + 1)] = t[t.length - 1].textContent;
        });
    }
    var m = /^Step (\\d+) of/.exec(root.querySelector('.cg-caption').textContent);
    return [m ? +m[1] : null, root.querySelector('.cg-counter').textContent,
            views.length === 1 && views[0].className === 'cg-lit', grads, views.length];"""


def _state(browser, sid):
    step, counter, lit, grads, shown = browser.execute_script(_STATE, sid)
    assert shown == 1, "exactly one picture is shown"
    return step, counter, lit, {int(k): v for k, v in grads.items()}


def _truth(root, **kw):
    """Each step's gradients as the picture writes them, by node number."""
    out = []
    for f in backward_frames(root, **kw):
        ids = {v: i for i, v in enumerate(f.grads)}
        out.append({ids[v]: num(g) for v, g in f.grads.items()})
    return out


def _save(browser, tmp_path, name):
    path = tmp_path / name
    assert browser.save_screenshot(str(path)) and path.stat().st_size > 10_000
    shots = os.environ.get("CHAINGRAD_SHOTS")
    if shots:   # a folder the caller chose, to look at the pictures
        os.makedirs(shots, exist_ok=True)
        shutil.copy(path, os.path.join(shots, name))
    return path


def _expression():
    x = Value(0.7, label="x"); y = Value(-1.2, label="y")
    return (x * y + x.exp()).tanh() + x / 2, x


def test_stepper_in_headless_chromium(tmp_path):
    require("dot")
    browser = _browser()
    try:
        from selenium.webdriver.common.action_chains import ActionChains
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys
        root, x = _expression()
        big = stepper(root, highlight=x, title="first")
        truth = _truth(root)
        a = Value(2.0, label="a")
        small = stepper(a * a * 3.0, highlight=a, title="second")
        path = tmp_path / "two.html"
        path.write_text(page([big, small], "two steppers"), encoding="utf-8")
        browser.get(path.as_uri())
        first, second = (e.get_attribute("id")
                         for e in browser.find_elements(By.CSS_SELECTOR, ".cg-stepper"))
        n = big.steps

        def at(k, lit=False):
            assert _state(browser, first) == (k, f"step {k} of {n}", lit, truth[k])

        at(0)
        one = browser.find_element(By.ID, first)

        def keys(*ks):
            # sent to the page, not to an element: nothing has focus yet
            chain = ActionChains(browser)
            for k in ks:
                chain.send_keys(k)
            chain.perform()

        # arrow keys before any click: the stepper most in view (the first)
        keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT)
        at(2)
        keys(Keys.ARROW_LEFT)
        at(1)
        # the buttons
        one.find_element(By.CSS_SELECTOR, ".cg-next").click()
        at(2)
        one.find_element(By.CSS_SELECTOR, ".cg-prev").click()
        one.find_element(By.CSS_SELECTOR, ".cg-prev").click()
        at(0)
        assert not one.find_element(By.CSS_SELECTOR, ".cg-prev").is_enabled()
        one.find_element(By.CSS_SELECTOR, ".cg-prev").click()           # disabled: stays
        at(0)
        # the highlight, then keys while the checkbox has focus
        one.find_element(By.CSS_SELECTOR, "input.cg-lit").click()
        at(0, lit=True)
        keys(*[Keys.ARROW_RIGHT] * (n + 3))                               # past the end: stays
        at(n, lit=True)
        assert not one.find_element(By.CSS_SELECTOR, ".cg-next").is_enabled()
        browser.execute_script("arguments[0].scrollIntoView()", one)
        _save(browser, tmp_path, "stepper-two.png")
        one.find_element(By.CSS_SELECTOR, "input.cg-lit").click()
        at(n)
        keys(*[Keys.ARROW_LEFT] * n)                                      # all the way back
        at(0)
        keys(*[Keys.ARROW_RIGHT] * n)
        at(n)
        # a click into the second stepper sends the keys there, and only there
        two = browser.find_element(By.ID, second)
        two.find_element(By.CSS_SELECTOR, ".cg-counter").click()
        keys(Keys.ARROW_RIGHT)
        assert _state(browser, second)[:2] == (1, f"step 1 of {small.steps}")
        at(n)
        # typing into a text field steps nothing
        browser.execute_script("var t = document.createElement('textarea'); t.id = 'typing';"
                               "document.body.appendChild(t); t.focus();")
        keys(Keys.ARROW_LEFT)
        assert _state(browser, second)[:2] == (1, f"step 1 of {small.steps}")
        assert browser.get_log("browser") == []                        # no script error
    finally:
        browser.quit()


# Where the yellow operation is, against the scrolling view, and how tall its
# text is on screen.
_FOCUS = """
    var root = document.getElementById(arguments[0]);
    var e = Array.prototype.filter.call(root.querySelectorAll('.cg-plain ellipse'),
        function (e) { return e.getAttribute('fill') === '#ffd43b'; });
    if (e.length !== 1) return null;
    var g = e[0].parentNode, r = g.getBoundingClientRect();
    var v = root.querySelector('.cg-view').getBoundingClientRect();
    var t = g.querySelector('text').getBoundingClientRect();
    return [r.left >= v.left && r.right <= v.right && r.top >= v.top && r.bottom <= v.bottom
            && v.bottom <= window.innerHeight && v.right <= window.innerWidth, t.height];"""


def test_the_lectures_whole_loss_steps_on_a_laptop_screen(tmp_path):
    require("dot")
    from benchmarks.pictures import lecture_loss
    loss, model = lecture_loss()
    s = stepper(loss, module=model, title="The lecture's loss, MLP(3, [4, 4, 1])")
    truth = _truth(loss, module=model, max_nodes=1000)
    path = tmp_path / "lecture.html"
    s.save(path)
    browser = _browser(1366, 768)
    try:
        from selenium.webdriver.common.by import By
        browser.get(path.as_uri())
        sid = browser.find_element(By.CSS_SELECTOR, ".cg-stepper").get_attribute("id")
        browser.execute_script("document.getElementById(arguments[0]).scrollIntoView()", sid)
        n = s.steps
        # the loss's first +, a neuron's weighted sum in the first layer, the last step
        middle = next(k for k, st in enumerate(s.data["steps"]) if st["op"] == "dot"
                      and k > n // 2)
        for k in (1, middle, n):
            browser.execute_script("document.getElementById(arguments[0]).cgShow(arguments[1])",
                                   sid, k)
            assert _state(browser, sid) == (k, f"step {k} of {n}", False, truth[k])
            on_screen, text_px = browser.execute_script(_FOCUS, sid)
            assert on_screen, f"step {k}: the yellow operation is out of view"
            assert text_px >= 10, f"step {k}: text {text_px:.1f} px tall"
            _save(browser, tmp_path, f"lecture-step-{k}.png")
        assert browser.get_log("browser") == []
    finally:
        browser.quit()


def test_without_javascript_the_page_shows_step_0(tmp_path):
    # A viewer that runs no script must show the first step, not any other.
    require("dot")
    root, x = _expression()
    s = stepper(root, highlight=x)
    path = tmp_path / "static.html"
    s.save(path)
    browser = _browser(scripts=False)
    try:
        from selenium.webdriver.common.by import By
        browser.get(path.as_uri())
        sid = browser.find_element(By.CSS_SELECTOR, ".cg-stepper").get_attribute("id")
        assert browser.find_element(By.ID, sid).get_attribute("data-ready") is None  # no script ran
        step, counter, lit, grads = _state(browser, sid)
        assert (step, counter, lit) == (0, f"step 0 of {s.steps}", False)
        assert grads == _truth(root)[0]
    finally:
        browser.quit()
