// The transcript component of the Code screen (st.components.v2, no build step).
// Text is only ever inserted with textContent / createTextNode: transcripts are untrusted.
// Reports one trigger value, "event": a selection, a caret position or a click on a
// highlight, with positions in UTF-16 units from the page's first character (data.base).

function hexAlpha(colour, alpha) {
  return /^#[0-9a-fA-F]{6}$/.test(colour) ? colour + alpha : "#88888855";
}

function safeColour(colour) {
  return /^#[0-9a-fA-F]{6}$/.test(colour) ? colour : "#6b6b6b";
}

function draw(root, data) {
  root.replaceChildren();
  const codes = data.codes || {};
  const chosen = new Set(data.chosen || []);
  if (!data.blocks || data.blocks.length === 0) {
    const empty = document.createElement("p");
    empty.className = "tocw-empty";
    empty.textContent = "This document has no text to show.";
    root.appendChild(empty);
    return;
  }
  for (const block of data.blocks) {
    const box = document.createElement("div");
    box.className = "tocw-block" + (block.interviewer ? " tocw-interviewer" : "");
    box.style.borderLeftColor = safeColour(block.colour);
    box.dataset.start = String(block.start);
    if (block.turn !== null) box.dataset.turn = String(block.turn);
    if (block.label || block.time) {
      const head = document.createElement("div");
      head.className = "tocw-head";
      if (block.label) {
        const label = document.createElement("span");
        label.className = "tocw-label";
        label.textContent = block.label;
        head.appendChild(label);
      }
      if (block.group) {
        const group = document.createElement("span");
        group.className = "tocw-group";
        group.style.background = safeColour(block.colour);
        group.textContent = block.group;
        head.appendChild(group);
      }
      if (block.time) {
        const time = document.createElement("span");
        time.className = "tocw-time";
        time.textContent = block.time;
        head.appendChild(time);
      }
      box.appendChild(head);
    }
    const para = document.createElement("p");
    para.className = "tocw-text";
    para.tabIndex = 0; // keyboard: Tab to a turn, then words by arrows (see turnKeys)
    para.setAttribute("aria-describedby", "tocw-keys-help");
    for (const seg of block.segments) {
      const span = document.createElement("span");
      span.className = "tocw-seg";
      span.dataset.u = String(seg.u);
      span.appendChild(document.createTextNode(seg.t));
      if (seg.c.length) {
        span.classList.add("tocw-coded");
        span.dataset.c = seg.c.join(",");
        span.tabIndex = 0;
        const colours = seg.k.map((k) => safeColour((codes[String(k)] || {}).colour));
        span.style.background = hexAlpha(colours[0], seg.k.length > 1 ? "66" : "40");
        span.style.boxShadow = colours
          .slice(0, 4)
          .map((c, i) => `inset 0 -${3 * (i + 1)}px 0 ${c}`)
          .join(", ");
        const names = seg.k.map((k) => (codes[String(k)] || {}).name || "?");
        span.title = names.join(" · ");
        span.setAttribute("aria-label", "Coded: " + names.join(", "));
        if (seg.c.some((id) => chosen.has(id))) span.classList.add("tocw-chosen");
      }
      para.appendChild(span);
    }
    box.appendChild(para);
    root.appendChild(box);
  }
}

function segments(root) {
  return Array.from(root.querySelectorAll(".tocw-seg"));
}

// UTF-16 offset (from the page base) of a DOM boundary point inside the root.
function pointUnits(root, node, offset) {
  const parent = node.nodeType === Node.TEXT_NODE ? node.parentElement : null;
  if (parent && parent.classList.contains("tocw-seg")) return Number(parent.dataset.u) + offset;
  const point = document.createRange();
  point.setStart(node, offset);
  point.collapse(true);
  const segs = segments(root);
  for (const seg of segs) {
    const text = seg.firstChild;
    if (text && point.comparePoint(text, 0) >= 0) return Number(seg.dataset.u);
  }
  const last = segs[segs.length - 1];
  return last ? Number(last.dataset.u) + last.textContent.length : 0;
}

function report(root, target) {
  const args = root.tocwArgs;
  const selection = window.getSelection();
  if (!selection || selection.rangeCount === 0) return;
  const range = selection.getRangeAt(0);
  if (!root.contains(range.commonAncestorContainer)) return;
  const start = pointUnits(root, range.startContainer, range.startOffset);
  const end = pointUnits(root, range.endContainer, range.endOffset);
  root.tocwCount = (root.tocwCount || 0) + 1;
  const base = { page: args.data.page, document: args.data.document, n: root.tocwCount };
  if (end > start) {
    args.setTriggerValue("event", { ...base, kind: "select", start, end, text: selection.toString() });
    return;
  }
  const seg = target && target.closest ? target.closest(".tocw-coded") : null;
  if (seg) {
    const codings = seg.dataset.c.split(",").map(Number);
    args.setTriggerValue("event", { ...base, kind: "click", start, end: start, codings });
  } else {
    args.setTriggerValue("event", { ...base, kind: "caret", start, end: start });
  }
}

// ---- The keyboard: a word cursor and a selection, word by word, inside a turn ----
// Focus a turn (Tab; Up/Down go to the previous/next turn), then: Left/Right (or
// Ctrl+Left/Right) move the word cursor,
// Home/End to the turn's first/last word; Shift with any of them selects from the cursor,
// word by word; Enter or Space reports the selection exactly as a mouse selection (or,
// with none, the caret at the cursor: "Code this sentence" / "Code this turn"); Escape
// clears it. Leaving the turn with a selection not yet reported reports it.
const SEGMENTER =
  typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: "word" }) : null;
const HIGHLIGHTS = typeof CSS !== "undefined" && CSS.highlights && typeof Highlight !== "undefined";
const KEYS = new Set(["ArrowLeft", "ArrowRight", "Home", "End"]);

// The turn's text (its segments' text nodes, in order) and its stops: every run of
// non-space characters the browser's word breaker finds (a word, an emoji, punctuation).
function words(turn) {
  if (turn.tocwWords) return turn.tocwWords;
  const pieces = [];
  let full = "";
  for (const seg of turn.querySelectorAll(".tocw-seg")) {
    const node = seg.firstChild;
    if (!node) continue;
    pieces.push({ node, u: Number(seg.dataset.u), at: full.length });
    full += node.data;
  }
  const stops = [];
  const found = SEGMENTER
    ? Array.from(SEGMENTER.segment(full), (s) => [s.index, s.segment])
    : Array.from(full.matchAll(/\S+/g), (m) => [m.index, m[0]]);
  for (const [index, text] of found) {
    if (/\S/.test(text)) stops.push({ start: index, end: index + text.length });
  }
  turn.tocwWords = { pieces, full, stops };
  return turn.tocwWords;
}

// The text node and offset of index ``i`` of the turn's text (``end``: at a boundary
// between two nodes, the end of the first).
function locate(w, i, end) {
  let found = w.pieces[0];
  for (const piece of w.pieces) {
    if (end ? piece.at < i : piece.at <= i) found = piece;
  }
  return { node: found.node, offset: i - found.at, u: found.u + (i - found.at) };
}

function rangeOf(w, start, end) {
  const a = locate(w, start, false);
  const b = locate(w, end, true);
  const range = document.createRange();
  range.setStart(a.node, a.offset);
  range.setEnd(b.node, b.offset);
  return range;
}

function keyState(root) {
  return root.tocwKey;
}

function spanOf(k) {
  const w = words(k.turn);
  const lo = Math.min(k.anchor, k.head);
  const hi = Math.max(k.anchor, k.head);
  return { start: w.stops[lo].start, end: w.stops[hi].end, words: hi - lo + 1 };
}

function announce(root, message) {
  if (root.tocwLive) root.tocwLive.textContent = message;
}

function paint(root) {
  const k = keyState(root);
  if (HIGHLIGHTS) {
    CSS.highlights.delete("tocw-cursor");
    CSS.highlights.delete("tocw-keysel");
  }
  if (!k || !k.turn.isConnected) return;
  const w = words(k.turn);
  const at = w.stops[k.head];
  const cursor = rangeOf(w, at.start, at.end);
  if (k.anchor !== null) {
    const span = spanOf(k);
    const range = rangeOf(w, span.start, span.end);
    if (HIGHLIGHTS) {
      CSS.highlights.set("tocw-keysel", new Highlight(range));
    } else {
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
    }
  }
  if (HIGHLIGHTS) {
    const mark = new Highlight(cursor);
    mark.priority = 1;
    CSS.highlights.set("tocw-cursor", mark);
  }
  const box = cursor.getBoundingClientRect();
  const view = root.getBoundingClientRect();
  if (box.top < view.top || box.bottom > view.bottom) {
    root.scrollTop += box.top - view.top - view.height / 2;
  }
}

function clearKeys(root) {
  root.tocwKey = null;
  paint(root);
}

function send(root, event) {
  const args = root.tocwArgs;
  root.tocwCount = (root.tocwCount || 0) + 1;
  args.setTriggerValue("event", {
    page: args.data.page,
    document: args.data.document,
    n: root.tocwCount,
    ...event,
  });
}

function sendSelection(root) {
  const k = keyState(root);
  if (!k || k.anchor === null || k.reported) return;
  const w = words(k.turn);
  const span = spanOf(k);
  const text = w.full.slice(span.start, span.end);
  k.reported = true;
  const start = locate(w, span.start, false).u;
  const end = locate(w, span.end, true).u;
  send(root, { kind: "select", start, end, text });
  announce(root, `Chosen: ${text}. Now choose codes and press Apply to selection.`);
}

// Left/Right/Home/End (with or without Shift) in a turn; true when the key was used.
function moveKeys(root, turn, event) {
  const w = words(turn);
  if (!KEYS.has(event.key) || event.altKey || event.metaKey || w.stops.length === 0) return false;
  let k = keyState(root);
  if (!k || k.turn !== turn) {
    k = { turn, head: null, anchor: null, reported: false };
    root.tocwKey = k;
    window.getSelection().removeAllRanges();
  }
  const last = w.stops.length - 1;
  const fresh = k.head === null;
  if (fresh) k.head = event.key === "ArrowLeft" || event.key === "End" ? last : 0;
  if (event.shiftKey) {
    if (k.anchor === null) {
      k.anchor = k.head; // the first Shift+key selects the word under the cursor
    } else {
      k.head = next(k.head, event.key, last);
    }
    k.reported = false;
    const span = spanOf(k);
    const text = w.full.slice(span.start, span.end);
    announce(root, `Selected ${span.words} word${span.words === 1 ? "" : "s"}: ${text}`);
  } else {
    if (!fresh) k.head = next(k.head, event.key, last);
    const hadSelection = k.anchor !== null && k.reported;
    k.anchor = null;
    k.reported = false;
    if (hadSelection) send(root, { kind: "clear", start: 0, end: 0 });
    const at = w.stops[k.head];
    announce(root, w.full.slice(at.start, at.end));
  }
  paint(root);
  return true;
}

function next(head, key, last) {
  if (key === "ArrowLeft") return Math.max(0, head - 1);
  if (key === "ArrowRight") return Math.min(last, head + 1);
  return key === "Home" ? 0 : last;
}

// Up/Down: the previous/next turn (faster than Tab through every highlight).
function turnStep(root, turn, event) {
  if ((event.key !== "ArrowUp" && event.key !== "ArrowDown") || event.shiftKey || event.altKey) {
    return false;
  }
  const turns = Array.from(root.querySelectorAll(".tocw-text"));
  const to = turns[turns.indexOf(turn) + (event.key === "ArrowDown" ? 1 : -1)];
  if (!to) return false;
  if (keyState(root)) clearKeys(root);
  to.focus();
  return true;
}

function turnKeys(root, turn, event) {
  if (moveKeys(root, turn, event) || turnStep(root, turn, event)) {
    event.preventDefault();
    return;
  }
  const k = keyState(root);
  const mine = k && k.turn === turn;
  if (event.key === "Escape" && mine) {
    event.preventDefault();
    if (k.reported) send(root, { kind: "clear", start: 0, end: 0 });
    clearKeys(root);
    announce(root, "Selection cleared.");
    return;
  }
  if (event.key !== "Enter" && event.key !== " ") return;
  event.preventDefault();
  if (mine && k.anchor !== null) {
    k.reported = false;
    sendSelection(root);
    return;
  }
  // The caret at the cursor's word, or at the turn's start: "Code this turn" or "sentence"
  const w = words(turn);
  const at = mine && k.head !== null ? w.stops[k.head].start : 0;
  const start = w.pieces.length ? locate(w, at, false).u : 0;
  send(root, { kind: "caret", start, end: start });
}

function listen(root) {
  root.addEventListener("mousedown", () => {
    if (keyState(root)) clearKeys(root);
  });
  root.addEventListener("mouseup", (event) => {
    const target = event.target;
    window.setTimeout(() => report(root, target), 0);
  });
  root.addEventListener("focusout", (event) => {
    const k = keyState(root);
    if (k && !k.turn.contains(event.relatedTarget)) sendSelection(root);
  });
  root.addEventListener("keydown", (event) => {
    const target = event.target;
    if (target.classList && target.classList.contains("tocw-text")) {
      turnKeys(root, target, event);
      return;
    }
    const seg = target.closest ? target.closest(".tocw-coded") : null;
    if (seg && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      send(root, {
        kind: "click",
        start: Number(seg.dataset.u),
        end: Number(seg.dataset.u),
        codings: seg.dataset.c.split(",").map(Number),
      });
    }
  });
}

export default function (component) {
  const { data, parentElement } = component;
  let root = parentElement.querySelector(".tocw-root");
  if (!root) {
    root = document.createElement("div");
    root.className = "tocw-root";
    root.setAttribute("role", "document");
    root.setAttribute("aria-label", "Transcript");
    parentElement.appendChild(root);
    const help = document.createElement("p");
    help.id = "tocw-keys-help";
    help.className = "tocw-hidden";
    help.textContent =
      "Left and Right arrows move word by word, Shift with an arrow, Home or End selects, " +
      "Enter chooses the selection or the cursor's place, Escape clears.";
    const live = document.createElement("div");
    live.className = "tocw-hidden";
    live.setAttribute("aria-live", "polite");
    live.dataset.testid = "tocw-live";
    parentElement.append(help, live);
    root.tocwLive = live;
    listen(root);
  }
  root.tocwArgs = component;
  root.style.fontSize = `${Number(data.font) || 17}px`;
  if (root.dataset.sig !== data.sig) {
    root.tocwKey = null; // the words under a keyboard selection are drawn anew
    draw(root, data);
    paint(root);
    root.dataset.sig = data.sig;
    const where = `${data.document}:${data.page}`;
    if (root.dataset.where !== where) {
      root.scrollTop = 0; // another document or page: start at its top
      root.dataset.where = where;
    }
  }
  if (data.focus !== null && data.focus !== undefined && root.dataset.focus !== String(data.focusKey)) {
    root.dataset.focus = String(data.focusKey);
    for (const old of root.querySelectorAll(".tocw-focus")) old.classList.remove("tocw-focus");
    const box = root.querySelector(`.tocw-block[data-start="${Number(data.focus)}"]`);
    if (box) {
      box.classList.add("tocw-focus");
      box.scrollIntoView({ block: "center" });
    }
  }
  root.dataset.ready = data.sig;
}
