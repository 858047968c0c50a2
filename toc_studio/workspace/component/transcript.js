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
    para.tabIndex = 0; // keyboard: Tab to a turn, Enter puts the caret at its start
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

function listen(root) {
  root.addEventListener("mouseup", (event) => {
    const target = event.target;
    window.setTimeout(() => report(root, target), 0);
  });
  root.addEventListener("keydown", (event) => {
    const turn = event.target.classList && event.target.classList.contains("tocw-text");
    const first = turn ? event.target.querySelector(".tocw-seg") : null;
    if (first && (event.key === "Enter" || event.key === " ")) {
      // The caret at the turn's start, as a click there: "Code this turn" or "sentence"
      event.preventDefault();
      const args = root.tocwArgs;
      root.tocwCount = (root.tocwCount || 0) + 1;
      const start = Number(first.dataset.u);
      args.setTriggerValue("event", {
        page: args.data.page,
        document: args.data.document,
        n: root.tocwCount,
        kind: "caret",
        start,
        end: start,
      });
      return;
    }
    const seg = event.target.closest ? event.target.closest(".tocw-coded") : null;
    if (seg && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      const args = root.tocwArgs;
      root.tocwCount = (root.tocwCount || 0) + 1;
      args.setTriggerValue("event", {
        page: args.data.page,
        document: args.data.document,
        n: root.tocwCount,
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
    listen(root);
  }
  root.tocwArgs = component;
  root.style.fontSize = `${Number(data.font) || 17}px`;
  if (root.dataset.sig !== data.sig) {
    draw(root, data);
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
