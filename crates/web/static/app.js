// miragepot dashboard script. Loaded from /static under a CSP without inline script.
// Everything shown here came from an attacker: text is set with textContent, never as HTML.
"use strict";

(function () {
  const csrf = () => {
    const m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  };

  // htmx requests carry the CSRF token in a header.
  document.addEventListener("htmx:configRequest", (e) => {
    e.detail.headers["X-CSRF-Token"] = csrf();
  });

  const el = (tag, cls, text) => {
    const n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined && text !== null) n.textContent = String(text);
    return n;
  };

  // Sessions over time (overview), drawn with uPlot from /api/histogram.
  function histogram() {
    const box = document.getElementById("histogram");
    if (!box || typeof uPlot === "undefined") return;
    const select = document.getElementById("histogram-range");
    let plot = null;
    const draw = async () => {
      const range = select ? select.value : "7d";
      const r = await fetch(box.dataset.api + "?range=" + encodeURIComponent(range), { credentials: "same-origin" });
      if (!r.ok) return;
      const d = await r.json();
      const xs = d.points.map((p) => p[0]);
      const ys = d.points.map((p) => p[1]);
      if (plot) plot.destroy();
      plot = new uPlot({
        width: Math.max(300, box.clientWidth || 600),
        height: 220,
        scales: { x: { time: true } },
        series: [{}, { label: "sessions", stroke: "#c0392b", fill: "rgba(192,57,43,0.15)" }],
        axes: [{}, { label: "sessions" }],
      }, [xs, ys], box);
      box.dataset.drawn = String(xs.length);
    };
    if (select) select.addEventListener("change", draw);
    draw();
  }

  // Horizontal bars for the analytics page: the funnel and each top list.
  function bars(box, rows) {
    box.textContent = "";
    const max = rows.reduce((m, r) => Math.max(m, r[1]), 0) || 1;
    for (const [label, n] of rows) {
      const row = el("div", "bar-row");
      row.appendChild(el("span", "bar-label", label));
      const track = el("span", "bar-track");
      const fill = el("span", "bar-fill");
      fill.style.width = ((100 * n) / max).toFixed(1) + "%";
      track.appendChild(fill);
      row.appendChild(track);
      row.appendChild(el("span", "bar-n", n));
      box.appendChild(row);
    }
  }

  async function analytics() {
    const funnel = document.getElementById("funnel-chart");
    if (!funnel) return;
    const r = await fetch(funnel.dataset.api, { credentials: "same-origin" });
    if (!r.ok) return;
    const d = await r.json();
    bars(funnel, d.funnel);
    for (const t of d.tops) {
      const box = document.querySelector('[data-top="' + CSS.escape(t.kind) + '"]');
      if (box) bars(box, t.rows.slice(0, 10).map((row) => [row[1] ? row[0] + " / " + row[1] : row[0], row[2]]));
    }
    funnel.dataset.drawn = "1";
  }

  // The terminal player: the recording, or the live feed while the session runs.
  function player() {
    const box = document.getElementById("player");
    if (!box || typeof AsciinemaPlayer === "undefined") return;
    const opts = { fit: "width", terminalFontSize: "small", idleTimeLimit: 2 };
    if (box.dataset.live === "1") {
      AsciinemaPlayer.create({ driver: "eventsource", url: box.dataset.liveUrl, bufferTime: 0 }, box, Object.assign(opts, { autoPlay: true }));
    } else {
      AsciinemaPlayer.create(box.dataset.cast, box, opts);
    }
    box.dataset.ready = "1";
  }

  // Live timeline: new events of a running session are appended as they happen.
  function liveTimeline() {
    const body = document.getElementById("timeline");
    if (!body || !body.dataset.events || typeof EventSource === "undefined") return;
    const es = new EventSource(body.dataset.events);
    es.onmessage = (m) => {
      let r;
      try { r = JSON.parse(m.data); } catch (_) { return; }
      const tr = el("tr", "ev ev-" + String(r.group).replace(/[^a-z]/g, "") + " ev-new");
      tr.appendChild(el("td", "mono", r.time));
      tr.appendChild(el("td", "", r.kind));
      const what = el("td", "what");
      if (r.link) {
        const a = el("a", "technique", r.link[0]);
        if (/^https:\/\/attack\.mitre\.org\//.test(r.link[1])) a.href = r.link[1];
        a.rel = "noopener noreferrer";
        a.target = "_blank";
        what.appendChild(a);
        what.appendChild(document.createTextNode(" "));
      }
      what.appendChild(el("span", "mono title", r.title));
      if (r.detail) {
        const det = el("details");
        det.appendChild(el("summary", "", "output"));
        det.appendChild(el("pre", "output", r.detail));
        what.appendChild(det);
      }
      tr.appendChild(what);
      const score = el("td");
      if (r.score) score.appendChild(el("span", "threat " + String(r.score[1]).replace(/[^a-z-]/g, ""), r.score[0]));
      tr.appendChild(score);
      tr.appendChild(el("td", "", r.delay_ms ? r.delay_ms + " ms" : ""));
      body.appendChild(tr);
      body.dataset.appended = String(Number(body.dataset.appended || 0) + 1);
    };
    es.addEventListener("end", () => {
      es.close();
      const badge = document.getElementById("live-badge");
      if (badge) badge.textContent = "ENDED";
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    histogram();
    analytics();
    player();
    liveTimeline();
  });
})();
