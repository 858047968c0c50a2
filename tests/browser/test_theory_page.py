"""The Theory of Change page in a real browser: the embedded diagram draws, offline."""

from sqlmodel import Session

from tests.browser.conftest import screenshot, wait_for_app
from toc_studio import db
from toc_studio.demo import load_demo


def test_the_page_embeds_a_drawn_diagram_that_needs_no_network(app_server, page):
    engine = db.make_engine(app_server.database_url)
    with Session(engine) as s:
        load_demo(s)
        s.commit()
    engine.dispose()
    remote = []
    # Requests made by the diagram's frame (the app's own favicon is not the diagram's).
    page.on(
        "request",
        lambda r: remote.append(r.url) if r.frame != page.main_frame else None,
    )
    page.goto(app_server.url)
    wait_for_app(page)
    page.locator('[data-testid="stSidebar"]').get_by_text("Theory of Change").click()
    wait_for_app(page)
    page.get_by_role("heading", name="Theory of Change").wait_for()
    frame = page.frame_locator("iframe").first
    frame.locator("#picture svg").wait_for()
    boxes = frame.locator("rect[data-node]")
    assert boxes.count() > 30  # every element of the demo, as a box
    assert boxes.first.bounding_box()["width"] > 100  # readable at 100 %
    assert not [u for u in remote if u.startswith("http")]
    screenshot(page, "theory")
