/**
 * pmo Gantt chart: a WBS table and a time-scaled bar chart for one project.
 *
 * Built to stay interactive at tens of thousands of tasks: task data lives in typed
 * arrays, only the rows and the time range in view are drawn (bars on a <canvas>, the
 * table from a small pool of row elements), and every redraw is coalesced into one
 * requestAnimationFrame. Edits are optimistic: the bar moves at once, the API call is
 * made, and the server's answer (all tasks whose dates changed) replaces the guess.
 *
 *   import {Gantt} from "./gantt.js";
 *   const gantt = new Gantt(element, {urls: {data, task, dependencies, dependency}, csrfToken});
 *
 * Times: the chart's axis is the wall-clock time of one time zone (the project's unless
 * options.timeZone says otherwise), so that days have equal widths and a task starting
 * at 08:00 in Sydney sits at 08:00 of its day. Internally all times are "wall ms":
 * milliseconds since 1970-01-01 of that wall clock, handled with the UTC methods of Date.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const ROW = 28; // row height in both panes, px
const HEADER = 48; // two header rows of 24 px
const BAR_TOP = 6;
const BAR_HEIGHT = 13;
const BAR_MID = 12.5; // arrows attach here; .5 keeps 1 px lines crisp
const BASELINE_TOP = 21;
const BASELINE_HEIGHT = 4;
const DIAMOND = 7; // milestone half-width
const HANDLE_GAP = 9; // centre of the link handle, px right of a bar's end
const ARROW_GAP = 8; // horizontal run of an arrow before it turns
const EXTERNAL_RUN = 120; // longest stub drawn for a link from another project
const DRAG_THRESHOLD = 3;
const AUTOSCROLL_EDGE = 24; // px from the chart's edge where a drag scrolls it
const AUTOSCROLL_STEP = 12; // px per frame

const SUMMARY = 1;
const MILESTONE = 2;
const CRITICAL = 4;

const LINK_TYPES = ["FS", "SS", "FF", "SF"];
const API_METHODS = ["load", "moveTask", "resizeTask", "link", "unlink"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTHS_LONG = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
];
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

const mod = (a, b) => ((a % b) + b) % b;
const pad2 = (n) => String(n).padStart(2, "0");

/* ---------------------------------------------------------------- time */

/** Calendar units on wall ms: floor to the unit's start, and step to the next one. */
const UNITS = {
  day: {floor: (t) => Math.floor(t / DAY) * DAY, next: (t) => t + DAY},
  // Day 0 (1970-01-01) was a Thursday: (day + 3) mod 7 counts from Monday.
  week: {
    floor: (t) => {
      const d = Math.floor(t / DAY);
      return (d - mod(d + 3, 7)) * DAY;
    },
    next: (t) => t + 7 * DAY,
  },
  month: monthsUnit(1),
  quarter: monthsUnit(3),
  year: monthsUnit(12),
};

function monthsUnit(step) {
  return {
    floor: (t) => {
      const d = new Date(t);
      const m = d.getUTCMonth();
      return Date.UTC(d.getUTCFullYear(), m - (m % step), 1);
    },
    next: (t) => {
      const d = new Date(t);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + step, 1);
    },
  };
}

const monthYear = (t) => {
  const d = new Date(t);
  return `${MONTHS_LONG[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
};
const year = (t) => String(new Date(t).getUTCFullYear());

/** Zoom levels: scale, the two header rows, and the drag snap. */
const ZOOMS = {
  day: {
    label: "Day", pxPerDay: 28, snapDays: 1, weekends: true,
    top: ["month", monthYear],
    bottom: ["day", (t) => String(new Date(t).getUTCDate())],
  },
  week: {
    label: "Week", pxPerDay: 9, snapDays: 1, weekends: true,
    top: ["month", monthYear],
    bottom: ["week", (t) => {
      const d = new Date(t);
      return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}`;
    }],
  },
  month: {
    label: "Month", pxPerDay: 3, snapDays: 7, weekends: false,
    top: ["year", year],
    bottom: ["month", (t) => MONTHS[new Date(t).getUTCMonth()]],
  },
  quarter: {
    label: "Quarter", pxPerDay: 1, snapDays: 7, weekends: false,
    top: ["year", year],
    bottom: ["quarter", (t) => `Q${Math.floor(new Date(t).getUTCMonth() / 3) + 1}`],
  },
};
const ZOOM_ORDER = Object.keys(ZOOMS);

/**
 * Converts between UTC instants and the wall clock of an IANA time zone. Offsets come
 * from Intl and are cached per UTC day (two look-ups, at both ends of the day; only a
 * day with a transition is resolved per instant).
 */
class Zone {
  constructor(timeZone) {
    this.fixed = !timeZone || timeZone === "UTC" || timeZone === "Etc/UTC";
    if (this.fixed) return;
    try {
      this.format = new Intl.DateTimeFormat("en-US", {
        timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
        hour: "numeric", minute: "numeric", second: "numeric",
      });
    } catch (error) {
      console.warn(`Unknown time zone ${timeZone}; the Gantt shows UTC.`, error);
      this.fixed = true;
      return;
    }
    this.days = new Map();
  }

  #offset(utc) {
    const parts = {};
    for (const p of this.format.formatToParts(utc)) parts[p.type] = p.value;
    const wall = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute,
      +parts.second);
    return wall - Math.floor(utc / 1000) * 1000;
  }

  offsetAt(utc) {
    if (this.fixed) return 0;
    const day = Math.floor(utc / DAY);
    let ends = this.days.get(day);
    if (!ends) {
      ends = [this.#offset(day * DAY), this.#offset(day * DAY + DAY - 1)];
      this.days.set(day, ends);
    }
    return ends[0] === ends[1] ? ends[0] : this.#offset(utc);
  }

  toWall(utc) {
    return utc + this.offsetAt(utc);
  }

  toUtc(wall) {
    return wall - this.offsetAt(wall - this.offsetAt(wall));
  }
}

const parseWall = (zone, iso) => (iso ? zone.toWall(Date.parse(iso)) : NaN);

function formatDate(t) {
  const d = new Date(t);
  return `${pad2(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

function formatDateTime(t) {
  const d = new Date(t);
  const time = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
  return `${WEEKDAYS[d.getUTCDay()]} ${formatDate(t)} ${time}`;
}

function formatDays(minutes, minutesPerDay) {
  const days = Math.round((minutes / minutesPerDay) * 10) / 10;
  return `${days === 0 ? 0 : days} d`;
}

/* ---------------------------------------------------------------- API */

/** An API answer other than 2xx; `cycle` lists task ids when a link would close a loop. */
export class GanttApiError extends Error {
  constructor(status, body) {
    super(body?.detail || `The server answered ${status}.`);
    this.name = "GanttApiError";
    this.status = status;
    this.detail = this.message;
    this.cycle = Array.isArray(body?.cycle) ? body.cycle : [];
  }
}

function csrfFromCookie() {
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

/**
 * The REST implementation of the API: load the Gantt payload and send each edit. Every
 * mutating answer is {changed: [task...], links?: [link...], finish, took_ms}.
 */
export function fetchApi({urls = {}, dataUrl, csrfToken} = {}) {
  const token = csrfToken ?? csrfFromCookie();
  const fill = (template, id) => template.replace("{id}", encodeURIComponent(String(id)));
  async function send(method, url, body) {
    const headers = {Accept: "application/json"};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method !== "GET" && token) headers["X-CSRFToken"] = token;
    const response = await fetch(url, {
      method, headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = {detail: text.slice(0, 300)};
    }
    if (!response.ok) throw new GanttApiError(response.status, json);
    return json;
  }
  return {
    load: () => send("GET", dataUrl ?? urls.data),
    moveTask: (id, {start}) => send("PATCH", fill(urls.task, id), {start}),
    resizeTask: (id, {duration_minutes}) => send("PATCH", fill(urls.task, id), {duration_minutes}),
    link: ({predecessor, successor, type = "FS", lag_minutes = 0}) =>
      send("POST", urls.dependencies, {predecessor, successor, type, lag: lag_minutes, lag_unit: "wm"}),
    unlink: (id) => send("DELETE", fill(urls.dependency, id)),
  };
}

/* ---------------------------------------------------------------- DOM helpers */

function el(tag, className, attrs = {}) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  return node;
}

/** Below this width (a phone) the table shows the task names only; see gantt.css. */
const NARROW = 720;

const COLUMNS = [
  ["wbs", "WBS"], ["name", "Task name"], ["start", "Start"], ["finish", "Finish"],
  ["dur", "Duration"], ["float", "Total float"],
];

/** CSS custom properties read once for the canvas (the table styles itself by CSS). */
const COLOUR_VARS = [
  "bar", "bar-progress", "critical", "critical-progress", "summary", "milestone", "baseline",
  "grid", "grid-strong", "weekend", "stripe", "row", "selection", "today", "status-date",
  "link", "link-selected", "label", "header-bg", "header-text", "header-muted", "handle",
];

/* ---------------------------------------------------------------- the chart */

export class Gantt {
  /**
   * @param {HTMLElement} element  the container; give it a height (the chart fills it)
   * @param {object} options
   *   urls: {data, task, dependencies, dependency} URL templates ("{id}" is replaced)
   *   dataUrl: the data URL, if not in urls
   *   api: object overriding any of load/moveTask/resizeTask/link/unlink (each returns a
   *        Promise of the answer, or rejects with {detail, cycle})
   *   csrfToken: sent as X-CSRFToken (default: the csrftoken cookie)
   *   zoom: "day" | "week" | "month" | "quarter" (default "week")
   *   timeZone: IANA zone of the time axis (default: the project's)
   *   minutesPerDay: working minutes shown as one day (default 480)
   *   workingDays: weekdays (0 = Sunday) counted when a bar is resized (default Mon-Fri)
   */
  constructor(element, options = {}) {
    this.element = element;
    this.options = options;
    const rest = fetchApi(options);
    this.api = {};
    for (const name of API_METHODS) {
      const own = options.api?.[name];
      this.api[name] = own ? own.bind(options.api) : rest[name];
    }
    this.minutesPerDay = options.minutesPerDay ?? 480;
    this.workingDays = new Set(options.workingDays ?? [1, 2, 3, 4, 5]);
    this.zoomName = ZOOMS[options.zoom] ? options.zoom : "week";

    this.n = 0;
    this.tasks = [];
    this.links = [];
    this.idIndex = new Map();
    this.visCount = 0;
    this.selected = -1;
    this.selectedLink = -1;
    this.hover = -1;
    this.version = 0; // bumped when what the table shows changes
    this.ready = false;
    this.pending = false;
    this.press = null; // pointer down, not yet a drag
    this.drag = null;
    this.arrows = []; // [linkIndex, points] drawn in the last frame, for hit tests
    this.headerLabels = {top: [], bottom: []};
    this.frameId = 0;
    this.afterPaint = [];
    this.wheelZoom = 0;
    this.autoScrollId = 0;

    this.#build();
    this.#bind();
    this.#load();
  }

  /* -------------------------------------------------- public helpers */

  /** The left x of a task's bar in chart content px (NaN if unknown). */
  taskX(id) {
    const i = this.idIndex.get(id);
    return i === undefined ? NaN : this.x0[i];
  }

  /** The current task object (the last payload or answer for it). */
  task(id) {
    const i = this.idIndex.get(id);
    return i === undefined ? null : this.tasks[i];
  }

  /** A copy of the current links. */
  linkList() {
    return this.links.map((link) => ({...link}));
  }

  /** The labels of the header's two rows as drawn in the last frame. */
  timeHeader() {
    return {top: [...this.headerLabels.top], bottom: [...this.headerLabels.bottom]};
  }

  /** The task's bar in client (viewport) coordinates, or null when its row is hidden. */
  barRect(id) {
    const i = this.idIndex.get(id);
    if (i === undefined || this.rowOf[i] < 0) return null;
    const box = this.scroller.getBoundingClientRect();
    const [a, b] = this.#barExtent(i);
    const left = box.left + a - this.scroller.scrollLeft;
    const top = box.top + this.rowOf[i] * ROW + BAR_TOP - this.scroller.scrollTop;
    const width = b - a;
    return {left, top, right: left + width, bottom: top + BAR_HEIGHT, width, height: BAR_HEIGHT};
  }

  /** Where to press to drag a link out of the task's bar, in client coordinates. */
  handlePoint(id) {
    const rect = this.barRect(id);
    return rect && {x: rect.right + HANDLE_GAP, y: rect.top + BAR_HEIGHT / 2};
  }

  /** Scrolls both panes so the task's row and the start of its bar are in view. */
  scrollToTask(id) {
    const i = this.idIndex.get(id);
    if (i === undefined) return;
    this.#expandTo(i);
    const s = this.scroller;
    const y = this.rowOf[i] * ROW;
    if (y < s.scrollTop || y + ROW > s.scrollTop + s.clientHeight) {
      s.scrollTop = Math.max(0, y - s.clientHeight / 3);
    }
    const [a, b] = this.#barExtent(i);
    if (a < s.scrollLeft || b > s.scrollLeft + s.clientWidth) {
      s.scrollLeft = Math.max(0, a - s.clientWidth / 4);
    }
    this.#requestDraw();
  }

  select(id) {
    const i = this.idIndex.get(id);
    if (i !== undefined) this.#select(i);
  }

  toggle(id) {
    const i = this.idIndex.get(id);
    if (i !== undefined) this.#toggle(i);
  }

  /** Collapses every summary at `level` and deeper (0 expands everything). */
  setLevel(level) {
    for (let i = 0; i < this.n; i++) {
      if (this.flags[i] & SUMMARY) this.collapsed[i] = level > 0 && this.levels[i] >= level ? 1 : 0;
    }
    for (const button of this.levelButtons) {
      button.setAttribute("aria-pressed", String(Number(button.dataset.level) === level));
    }
    this.element.dataset.level = level ? String(level) : "all";
    this.#layoutRows();
  }

  /** Changes the time scale, keeping the time at `anchorX` (viewport px) in place. */
  setZoom(name, anchorX) {
    if (!ZOOMS[name]) return;
    const s = this.scroller;
    const anchor = anchorX ?? s.clientWidth / 2;
    const t = this.ready ? this.#timeAt(s.scrollLeft + anchor) : 0;
    this.zoomName = name;
    this.zoom = ZOOMS[name];
    this.pxPerMs = this.zoom.pxPerDay / DAY;
    this.element.dataset.zoom = name;
    for (const button of this.zoomButtons) {
      button.setAttribute("aria-pressed", String(button.dataset.zoom === name));
    }
    if (!this.ready) return;
    this.#computeX();
    this.#sizeContent();
    s.scrollLeft = this.#xAt(t) - anchor;
    this.#requestDraw();
  }

  /** Scrolls to today: across to its date, and down to the first shown task not yet
   *  finished by then (in a long plan the rows in view are often all done). */
  scrollToToday() {
    const today = parseWall(this.zone, this.project.today);
    if (Number.isNaN(today)) return;
    const s = this.scroller;
    s.scrollLeft = this.#xAt(today) - s.clientWidth / 3;
    let first = -1;
    for (let i = 0; i < this.rowOf.length; i++) {
      const row = this.rowOf[i];
      // A task, or a collapsed summary standing for its tasks: an open summary that
      // ends later would stop at a phase whose shown tasks are all done.
      const shownWork = !(this.flags[i] & SUMMARY) || this.collapsed[i];
      if (row >= 0 && shownWork && this.finish[i] >= today && (first < 0 || row < first)) {
        first = row;
      }
    }
    if (first >= 0) s.scrollTop = Math.max(0, (first - 1) * ROW);
    this.#requestDraw();
  }

  destroy() {
    cancelAnimationFrame(this.frameId);
    this.resizeObserver.disconnect();
    this.tooltip.remove();
    this.element.replaceChildren();
    this.element.classList.remove("gantt");
  }

  /* -------------------------------------------------- DOM */

  #build() {
    const root = this.element;
    root.classList.add("gantt");
    root.dataset.zoom = this.zoomName;
    root.dataset.level = "all";
    root.replaceChildren();

    const toolbar = el("div", "gantt-toolbar", {role: "toolbar", "aria-label": "Gantt view"});
    const zoomGroup = el("div", "gantt-segment", {role: "group", "aria-label": "Zoom"});
    zoomGroup.append(Object.assign(el("span", "gantt-segment-label"), {textContent: "Zoom"}));
    this.zoomButtons = ZOOM_ORDER.map((name) => {
      const button = el("button", "gantt-button", {type: "button", "data-zoom": name});
      button.textContent = ZOOMS[name].label;
      zoomGroup.append(button);
      return button;
    });
    const levelGroup = el("div", "gantt-segment", {role: "group", "aria-label": "Outline level"});
    levelGroup.append(Object.assign(el("span", "gantt-segment-label"), {textContent: "Show"}));
    this.levelButtons = [1, 2, 3, 0].map((level) => {
      const button = el("button", "gantt-button", {type: "button", "data-level": String(level)});
      button.textContent = level ? `Level ${level}` : "All";
      button.setAttribute("aria-pressed", String(level === 0));
      levelGroup.append(button);
      return button;
    });
    this.todayButton = el("button", "gantt-button gantt-today-button", {type: "button"});
    this.todayButton.textContent = "Today";
    this.status = el("div", "gantt-status", {"aria-live": "polite"});
    toolbar.append(zoomGroup, levelGroup, this.todayButton, this.status);

    this.banner = el("div", "gantt-error", {role: "alert"});
    this.banner.hidden = true;
    this.bannerText = el("span", "gantt-error-text");
    this.bannerClose = el("button", "gantt-error-close", {type: "button", "aria-label": "Dismiss"});
    this.bannerClose.textContent = "×";
    this.banner.append(this.bannerText, this.bannerClose);

    const body = el("div", "gantt-body");

    // Left pane: the WBS table. Rows are a pool re-used for whatever is in view.
    this.grid = el("div", "gantt-grid", {
      role: "treegrid", tabindex: "0", "aria-label": "Tasks", "aria-readonly": "true",
    });
    const gridInner = el("div", "gantt-grid-inner");
    const headGroup = el("div", "gantt-grid-head", {role: "rowgroup"});
    const head = el("div", "gantt-row gantt-head-row", {role: "row", "aria-rowindex": "1"});
    for (const [key, label] of COLUMNS) {
      const cell = el("div", `gantt-cell gantt-c-${key}`, {role: "columnheader"});
      cell.textContent = label;
      head.append(cell);
    }
    headGroup.append(head);
    this.gridBody = el("div", "gantt-grid-body");
    this.rowsEl = el("div", "gantt-grid-rows", {role: "rowgroup"});
    this.gridBody.append(this.rowsEl);
    gridInner.append(headGroup, this.gridBody);
    this.grid.append(gridInner);
    this.pool = [];
    this.uid = `gantt${Math.random().toString(36).slice(2, 8)}`;

    this.splitter = el("div", "gantt-splitter", {
      role: "separator", "aria-orientation": "vertical", "aria-label": "Resize the task table",
    });

    // Right pane: header canvas, and the chart canvas under a transparent scroller
    // whose spacer gives the scrollbars the full size of the chart.
    const chart = el("div", "gantt-chart");
    const timehead = el("div", "gantt-timehead");
    this.headCanvas = el("canvas", "gantt-head-canvas", {"aria-hidden": "true"});
    timehead.append(this.headCanvas);
    this.viewport = el("div", "gantt-viewport");
    this.canvas = el("canvas", "gantt-canvas", {"aria-hidden": "true"});
    this.scroller = el("div", "gantt-scroller", {
      role: "region", tabindex: "0", "aria-label": "Gantt chart (bars and dependencies)",
    });
    this.spacer = el("div", "gantt-spacer");
    this.scroller.append(this.spacer);
    this.loading = el("div", "gantt-loading");
    this.loading.textContent = "Loading schedule…";
    this.viewport.append(this.canvas, this.scroller, this.loading);
    chart.append(timehead, this.viewport);

    body.append(this.grid, this.splitter, chart);
    root.append(toolbar, this.banner, body);

    this.tooltip = el("div", "gantt-tooltip", {role: "tooltip"});
    this.tooltip.hidden = true;
    document.body.append(this.tooltip);

    this.ctx = this.canvas.getContext("2d");
    this.headCtx = this.headCanvas.getContext("2d");
    const style = getComputedStyle(root);
    this.colours = {};
    for (const name of COLOUR_VARS) {
      this.colours[name] = style.getPropertyValue(`--gantt-${name}`).trim() || "#888";
    }
    this.font = style.fontFamily || "system-ui, sans-serif";
    this.setZoom(this.zoomName);
  }

  #bind() {
    const s = this.scroller;
    s.addEventListener("scroll", () => {
      if (!this.drag) this.#hideTooltip();
      this.#requestDraw();
    });
    s.addEventListener("pointerdown", (e) => this.#onPointerDown(e));
    s.addEventListener("pointermove", (e) => this.#onPointerMove(e));
    s.addEventListener("pointerup", (e) => this.#onPointerUp(e));
    s.addEventListener("pointercancel", () => this.#cancelDrag());
    s.addEventListener("pointerleave", (e) => {
      // A finger "leaves" as it lifts: that must not hide the tooltip a tap showed.
      if (this.drag || e.pointerType !== "mouse") return;
      this.hover = -1;
      this.#hideTooltip();
      this.#requestDraw();
    });
    s.addEventListener("wheel", (e) => this.#onChartWheel(e), {passive: false});
    // The table does not scroll vertically by itself: it follows the chart.
    this.gridBody.addEventListener("wheel", (e) => {
      if (e.ctrlKey || Math.abs(e.deltaY) < Math.abs(e.deltaX)) return;
      e.preventDefault();
      s.scrollTop += e.deltaMode === 1 ? e.deltaY * ROW : e.deltaY;
    }, {passive: false});
    this.rowsEl.addEventListener("click", (e) => this.#onRowClick(e));
    this.rowsEl.addEventListener("dblclick", (e) => {
      const row = e.target.closest(".gantt-row");
      if (row && row._idx >= 0) this.scrollToTask(this.tasks[row._idx].id);
    });
    this.element.addEventListener("keydown", (e) => this.#onKey(e));
    for (const button of this.zoomButtons) {
      button.addEventListener("click", () => this.setZoom(button.dataset.zoom));
    }
    for (const button of this.levelButtons) {
      button.addEventListener("click", () => this.setLevel(Number(button.dataset.level)));
    }
    this.todayButton.addEventListener("click", () => this.scrollToToday());
    this.bannerClose.addEventListener("click", () => this.#hideError());
    this.#bindSplitter();
    this.resizeObserver = new ResizeObserver(() => this.#resize());
    this.resizeObserver.observe(this.viewport);
    this.resizeObserver.observe(this.gridBody);
  }

  #bindSplitter() {
    let start = null;
    this.splitter.addEventListener("pointerdown", (e) => {
      start = {x: e.clientX, width: this.grid.getBoundingClientRect().width};
      this.splitter.setPointerCapture(e.pointerId);
    });
    this.splitter.addEventListener("pointermove", (e) => {
      if (!start) return;
      this.gridSizedByUser = true;
      const max = this.element.clientWidth - 160;
      const width = Math.max(120, Math.min(max, start.width + e.clientX - start.x));
      this.element.style.setProperty("--gantt-grid-width", `${width}px`);
    });
    const stop = () => {
      start = null;
    };
    this.splitter.addEventListener("pointerup", stop);
    this.splitter.addEventListener("pointercancel", stop);
  }

  /**
   * On a narrow screen the table starts at 40 % of the width, so that the chart keeps
   * the rest (at its desktop width of 640 px it left a phone no chart at all). A width
   * set with the splitter stays.
   */
  #fitGrid() {
    if (this.gridSizedByUser) return;
    const width = this.element.clientWidth;
    if (width && width < NARROW) {
      const grid = `${Math.max(120, Math.round(width * 0.4))}px`;
      if (this.element.style.getPropertyValue("--gantt-grid-width") !== grid) {
        this.element.style.setProperty("--gantt-grid-width", grid);
      }
    } else {
      this.element.style.removeProperty("--gantt-grid-width");
    }
  }

  /** Canvas back-stores follow the viewport size and the device pixel ratio. */
  #resize() {
    this.#fitGrid();
    const dpr = window.devicePixelRatio || 1;
    const w = this.scroller.clientWidth;
    const h = this.scroller.clientHeight;
    this.viewW = w;
    this.viewH = h;
    for (const [canvas, height] of [[this.canvas, h], [this.headCanvas, HEADER]]) {
      canvas.width = Math.max(1, Math.round(w * dpr));
      canvas.height = Math.max(1, Math.round(height * dpr));
      canvas.style.width = `${w}px`;
      canvas.style.height = `${height}px`;
    }
    this.dpr = dpr;
    this.gridBody.style.height = `${h}px`;
    const needed = Math.ceil(h / ROW) + 1;
    while (this.pool.length < needed) {
      const row = el("div", "gantt-row", {role: "row", id: `${this.uid}-r${this.pool.length}`});
      row._idx = -1;
      row._ver = -1;
      row.cells = COLUMNS.map(([key]) => {
        const cell = el("div", `gantt-cell gantt-c-${key}`, {role: "gridcell"});
        row.append(cell);
        return cell;
      });
      row.toggleEl = el("span", "gantt-toggle", {"aria-hidden": "true"});
      row.nameEl = el("span", "gantt-name");
      row.cells[1].append(row.toggleEl, row.nameEl);
      this.rowsEl.append(row);
      this.pool.push(row);
    }
    this.#requestDraw();
  }

  /* -------------------------------------------------- data */

  async #load() {
    let payload;
    try {
      payload = await this.api.load();
    } catch (error) {
      this.loading.textContent = "The schedule could not be loaded.";
      this.#showError(error);
      return;
    }
    this.#ingest(payload);
    this.loading.hidden = true;
    this.ready = true;
    this.element.dataset.ready = "true";
    this.#computeX();
    this.#sizeContent();
    this.#layoutRows();
    // Open on the project's first week, with a few days before it in view.
    const start = parseWall(this.zone, this.project.start);
    const first = Number.isNaN(start) ? this.rangeStart : start - 4 * DAY;
    this.scroller.scrollLeft = Math.max(0, this.#xAt(first));
    this.#setStatus(this.#summaryText());
    this.#requestDraw(() => {
      const ms = performance.now();
      window.__ganttReadyMs = ms;
      this.element.dispatchEvent(new CustomEvent("gantt:ready", {detail: {ms}, bubbles: true}));
    });
  }

  #ingest(payload) {
    this.project = payload.project ?? {};
    this.zone = new Zone(this.options.timeZone ?? this.project.timezone);
    // Days without working time on the plan's calendar (weekends, holidays, shutdowns)
    // as wall-clock midnights; without them the chart shades Saturdays and Sundays.
    const off = this.project.days_off;
    this.daysOff = Array.isArray(off) ? Float64Array.from(off, (d) => Date.parse(`${d}T00:00:00Z`)) : null;
    const tasks = payload.tasks ?? [];
    const n = tasks.length;
    this.n = n;
    this.tasks = tasks;
    this.idIndex = new Map();
    this.start = new Float64Array(n);
    this.finish = new Float64Array(n);
    this.baseStart = new Float64Array(n);
    this.baseFinish = new Float64Array(n);
    this.x0 = new Float64Array(n);
    this.x1 = new Float64Array(n);
    this.bx0 = new Float64Array(n);
    this.bx1 = new Float64Array(n);
    this.parents = new Int32Array(n);
    this.levels = new Uint8Array(n);
    this.flags = new Uint8Array(n);
    this.percent = new Float32Array(n);
    this.collapsed = new Uint8Array(n);
    this.vis = new Int32Array(n);
    this.rowOf = new Int32Array(n);
    for (let i = 0; i < n; i++) this.idIndex.set(tasks[i].id, i);
    for (let i = 0; i < n; i++) {
      const t = tasks[i];
      this.parents[i] = t.parent == null ? -1 : (this.idIndex.get(t.parent) ?? -1);
      this.levels[i] = t.level ?? 1;
      this.#loadTask(i, t);
    }
    this.#setLinks(payload.links ?? []);
    this.#computeRange();
  }

  /** Copies one task object's dates and flags into the arrays. */
  #loadTask(i, t) {
    this.start[i] = parseWall(this.zone, t.start);
    this.finish[i] = t.finish ? parseWall(this.zone, t.finish) : this.start[i];
    this.baseStart[i] = parseWall(this.zone, t.baseline_start);
    this.baseFinish[i] = parseWall(this.zone, t.baseline_finish);
    this.flags[i] = (t.summary ? SUMMARY : 0) | (t.milestone ? MILESTONE : 0)
      | (t.critical ? CRITICAL : 0);
    this.percent[i] = t.percent_complete ?? 0;
  }

  #setLinks(links) {
    this.links = links;
    const m = links.length;
    this.linkPred = new Int32Array(m);
    this.linkSucc = new Int32Array(m);
    this.linkType = new Uint8Array(m);
    for (let k = 0; k < m; k++) {
      const link = links[k];
      this.linkPred[k] = link.external ? -1 : (this.idIndex.get(link.predecessor) ?? -2);
      this.linkSucc[k] = this.idIndex.get(link.successor) ?? -2;
      this.linkType[k] = Math.max(0, LINK_TYPES.indexOf(link.type));
    }
    // Indices shift when the list changes: keep no selection that could now be another link.
    this.selectedLink = -1;
  }

  /** The time axis covers every date shown, with room on both sides to drag into. */
  #computeRange() {
    let lo = Infinity;
    let hi = -Infinity;
    const widen = (t) => {
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    };
    for (let i = 0; i < this.n; i++) {
      widen(this.start[i]);
      widen(this.finish[i]);
      if (!Number.isNaN(this.baseStart[i])) widen(this.baseStart[i]);
      if (!Number.isNaN(this.baseFinish[i])) widen(this.baseFinish[i]);
    }
    for (const key of ["start", "finish", "today", "status_date"]) {
      const t = parseWall(this.zone, this.project[key]);
      if (!Number.isNaN(t)) widen(t);
    }
    if (lo === Infinity) lo = hi = Math.floor(this.zone.toWall(Date.now()) / DAY) * DAY;
    this.rangeStart = UNITS.month.floor(lo - 30 * DAY);
    this.rangeEnd = UNITS.month.next(hi + 90 * DAY);
  }

  /** After an answer: widen the axis if dates left it, keeping the view on the same time. */
  #extendRange() {
    const before = [this.rangeStart, this.rangeEnd];
    const t = this.#timeAt(this.scroller.scrollLeft);
    this.#computeRange();
    this.rangeStart = Math.min(this.rangeStart, before[0]);
    this.rangeEnd = Math.max(this.rangeEnd, before[1]);
    if (this.rangeStart !== before[0] || this.rangeEnd !== before[1]) {
      this.#computeX();
      this.#sizeContent();
      this.scroller.scrollLeft = this.#xAt(t);
    }
  }

  #xAt(t) {
    return (t - this.rangeStart) * this.pxPerMs;
  }

  #timeAt(x) {
    return this.rangeStart + x / this.pxPerMs;
  }

  #computeX() {
    for (let i = 0; i < this.n; i++) this.#computeTaskX(i);
  }

  /**
   * Bars are drawn in whole days: a start at 08:00 fills its day from midnight, a finish
   * at 16:00 fills it to midnight (the table and the tooltip give the exact times). A
   * start at or after noon begins the next day, so a task following a half-day one
   * does not overlap it.
   */
  #computeTaskX(i) {
    const k = this.pxPerMs;
    const r = this.rangeStart;
    const milestone = this.flags[i] & MILESTONE;
    const from = (t) => (Math.round(t / DAY) * DAY - r) * k;
    const to = (t) => (milestone ? Math.round(t / DAY) : Math.ceil(t / DAY)) * DAY * k - r * k;
    this.x0[i] = from(this.start[i]);
    this.x1[i] = Math.max(this.x0[i], to(this.finish[i]));
    this.bx0[i] = from(this.baseStart[i]);
    this.bx1[i] = Math.max(this.bx0[i], to(this.baseFinish[i]));
  }

  #sizeContent() {
    this.spacer.style.width = `${Math.ceil((this.rangeEnd - this.rangeStart) * this.pxPerMs)}px`;
    this.spacer.style.height = `${this.visCount * ROW}px`;
  }

  /** The visible rows: WBS order, skipping the descendants of collapsed summaries. */
  #layoutRows() {
    const {n, levels, flags, collapsed, vis, rowOf} = this;
    let count = 0;
    let i = 0;
    while (i < n) {
      vis[count] = i;
      rowOf[i] = count++;
      if (flags[i] & SUMMARY && collapsed[i]) {
        const level = levels[i];
        let j = i + 1;
        while (j < n && levels[j] > level) rowOf[j++] = -1;
        i = j;
      } else {
        i++;
      }
    }
    this.visCount = count;
    this.grid.setAttribute("aria-rowcount", String(count + 1));
    if (this.selected >= 0 && rowOf[this.selected] < 0) this.selected = -1;
    this.version++;
    this.#sizeContent();
    this.#requestDraw();
  }

  #toggle(i) {
    if (!(this.flags[i] & SUMMARY)) return;
    this.collapsed[i] ^= 1;
    this.#layoutRows();
  }

  #expandTo(i) {
    let changed = false;
    for (let p = this.parents[i]; p >= 0; p = this.parents[p]) {
      if (this.collapsed[p]) {
        this.collapsed[p] = 0;
        changed = true;
      }
    }
    if (changed) this.#layoutRows();
  }

  #select(i) {
    this.selected = i;
    this.version++;
    this.#requestDraw();
  }

  /** Start and end x of what is drawn for a task (a milestone is a diamond round its date). */
  #barExtent(i) {
    if (this.flags[i] & MILESTONE) return [this.x0[i] - DIAMOND, this.x0[i] + DIAMOND];
    return [this.x0[i], Math.max(this.x1[i], this.x0[i] + 2)];
  }

  /* -------------------------------------------------- drawing */

  #requestDraw(afterPaint) {
    if (afterPaint) this.afterPaint.push(afterPaint);
    if (this.frameId) return;
    this.frameId = requestAnimationFrame(() => {
      this.frameId = 0;
      this.#frame();
      const callbacks = this.afterPaint.splice(0);
      if (callbacks.length) {
        // A message posted from inside the frame is delivered after it was painted.
        const channel = new MessageChannel();
        channel.port1.onmessage = () => callbacks.forEach((callback) => callback());
        channel.port2.postMessage(null);
      }
    });
  }

  #frame() {
    if (!this.ready || !this.viewW) return;
    const top = this.scroller.scrollTop;
    const first = Math.floor(top / ROW);
    const last = Math.min(this.visCount - 1, Math.floor((top + this.viewH) / ROW));
    this.#drawChart(first, last);
    this.#drawHeader();
    this.#renderTable(first, top);
  }

  #drawChart(first, last) {
    const {ctx, colours: c, viewW: w, viewH: h} = this;
    const left = this.scroller.scrollLeft;
    const top = this.scroller.scrollTop;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.fillStyle = c.row;
    ctx.fillRect(0, 0, w, h);
    this.#drawTimeGrid(ctx, left, w, h);
    // Stripes and the selection are translucent so that weekends show through.
    for (let r = first; r <= last; r++) {
      const i = this.vis[r];
      const y = r * ROW - top;
      if (i === this.selected) ctx.fillStyle = c.selection;
      else if (r % 2) ctx.fillStyle = c.stripe;
      else continue;
      ctx.fillRect(0, y, w, ROW);
    }
    this.#drawDateLine(ctx, "status_date", c["status-date"], [4, 3], left, h);
    this.#drawDateLine(ctx, "today", c.today, [], left, h);

    ctx.translate(-left, -top);
    this.#drawLinks(ctx, first, last, left, top, w);
    ctx.font = `11px ${this.font}`;
    ctx.textBaseline = "middle";
    for (let r = first; r <= last; r++) this.#drawTask(ctx, this.vis[r], r * ROW, left, w);
    this.#drawDragFeedback(ctx);
  }

  /** Index of the first day off at or after wall time ``t`` (binary search). */
  #firstOffAtOrAfter(t) {
    const off = this.daysOff;
    let lo = 0;
    let hi = off.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (off[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Whether the day starting at wall time ``t`` has no working time. */
  #isDayOff(t) {
    if (!this.daysOff) return mod(Math.floor(t / DAY) + 3, 7) >= 5;
    const i = this.#firstOffAtOrAfter(t);
    return i < this.daysOff.length && this.daysOff[i] === t;
  }

  /** Shading of days off and the vertical lines of both header rows. */
  #drawTimeGrid(ctx, left, w, h) {
    const c = this.colours;
    const t0 = this.#timeAt(left);
    const t1 = this.#timeAt(left + w);
    if (this.zoom.weekends) {
      ctx.fillStyle = c.weekend;
      const dayW = DAY * this.pxPerMs;
      if (this.daysOff) {
        const off = this.daysOff;
        for (let i = this.#firstOffAtOrAfter(t0 - DAY); i < off.length && off[i] < t1; i++) {
          const x = Math.round(this.#xAt(off[i]) - left);
          ctx.fillRect(x, 0, Math.round(this.#xAt(off[i] + DAY) - left) - x, h);
        }
      } else {
        // Saturday of the week before the view: Monday + 5 days.
        for (let t = UNITS.week.floor(t0) - 2 * DAY; t < t1; t += 7 * DAY) {
          ctx.fillRect(Math.round(this.#xAt(t) - left), 0, Math.round(2 * dayW), h);
        }
      }
    }
    const lines = (unit, colour) => {
      ctx.fillStyle = colour;
      const {floor, next} = UNITS[unit];
      for (let t = floor(t0); t < t1; t = next(t)) {
        ctx.fillRect(Math.round(this.#xAt(t) - left), 0, 1, h);
      }
    };
    lines(this.zoom.bottom[0], c.grid);
    lines(this.zoom.top[0], c["grid-strong"]);
  }

  #drawDateLine(ctx, key, colour, dash, left, h) {
    const t = parseWall(this.zone, this.project[key]);
    if (Number.isNaN(t)) return;
    const x = Math.round(this.#xAt(t) - left) + 0.5;
    if (x < 0 || x > this.viewW) return;
    ctx.save();
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.5;
    ctx.setLineDash(dash);
    ctx.beginPath();
    ctx.moveTo(x, 0);
    ctx.lineTo(x, h);
    ctx.stroke();
    ctx.restore();
  }

  #drawTask(ctx, i, y, left, w) {
    const c = this.colours;
    const f = this.flags[i];
    const [a, b] = this.#barExtent(i);
    const labelX = b + (i === this.hover && !(f & SUMMARY) ? 2 * HANDLE_GAP + 4 : 6);
    if (b < left - 2 && labelX + 400 < left) return;
    if (a > left + w + 2) return;

    const xa = Math.round(this.x0[i]);
    const xb = Math.max(xa + 2, Math.round(this.x1[i]));
    if (!Number.isNaN(this.bx0[i])) {
      ctx.fillStyle = c.baseline;
      const ba = Math.round(this.bx0[i]);
      if (f & MILESTONE) {
        this.#diamond(ctx, ba, y + BASELINE_TOP + 2, 3.5);
        ctx.fill();
      } else {
        ctx.fillRect(ba, y + BASELINE_TOP, Math.max(2, Math.round(this.bx1[i]) - ba), BASELINE_HEIGHT);
      }
    }

    if (f & SUMMARY) {
      // A bracket: a bar with pointed ends hanging down at both dates.
      const top = y + BAR_TOP + 1;
      ctx.fillStyle = c.summary;
      ctx.beginPath();
      ctx.moveTo(xa, top);
      ctx.lineTo(xb, top);
      ctx.lineTo(xb, top + 11);
      ctx.lineTo(xb - 5, top + 6);
      ctx.lineTo(xa + 5, top + 6);
      ctx.lineTo(xa, top + 11);
      ctx.closePath();
      ctx.fill();
    } else if (f & MILESTONE) {
      this.#diamond(ctx, xa, y + BAR_MID, DIAMOND);
      ctx.fillStyle = c.milestone;
      ctx.fill();
      if (f & CRITICAL) {
        ctx.strokeStyle = c.critical;
        ctx.lineWidth = 1.5;
        ctx.stroke();
      }
    } else {
      const critical = f & CRITICAL;
      ctx.fillStyle = critical ? c.critical : c.bar;
      ctx.beginPath();
      ctx.roundRect(xa, y + BAR_TOP, xb - xa, BAR_HEIGHT, 3);
      ctx.fill();
      const done = Math.round(((xb - xa) * this.percent[i]) / 100);
      if (done > 0) {
        ctx.save();
        ctx.clip();
        ctx.fillStyle = critical ? c["critical-progress"] : c["bar-progress"];
        ctx.fillRect(xa, y + BAR_TOP, done, BAR_HEIGHT);
        ctx.restore();
      }
    }
    if (i === this.selected) {
      ctx.strokeStyle = c["link-selected"];
      ctx.lineWidth = 1.5;
      ctx.strokeRect(a - 2.5, y + BAR_TOP - 2.5, b - a + 5, BAR_HEIGHT + 5);
    }
    if (i === this.hover && !(f & SUMMARY) && !this.drag) {
      ctx.beginPath();
      ctx.arc(b + HANDLE_GAP, y + BAR_MID, 4, 0, 2 * Math.PI);
      ctx.fillStyle = c.row;
      ctx.fill();
      ctx.strokeStyle = c.handle;
      ctx.lineWidth = 1.5;
      ctx.stroke();
    }
    if (labelX < left + w) {
      ctx.fillStyle = c.label;
      const name = this.tasks[i].name ?? "";
      ctx.fillText(f & MILESTONE ? `${name}  ${formatDate(this.start[i]).slice(0, 6)}` : name,
        labelX, y + BAR_MID);
    }
  }

  #diamond(ctx, x, y, r) {
    ctx.beginPath();
    ctx.moveTo(x, y - r);
    ctx.lineTo(x + r, y);
    ctx.lineTo(x, y + r);
    ctx.lineTo(x - r, y);
    ctx.closePath();
  }

  #drawLinks(ctx, first, last, left, top, w) {
    const c = this.colours;
    this.arrows = [];
    ctx.lineWidth = 1;
    ctx.font = `italic 10px ${this.font}`;
    ctx.textBaseline = "bottom";
    let selected = null;
    for (let k = 0; k < this.links.length; k++) {
      const s = this.linkSucc[k];
      const p = this.linkPred[k];
      if (s < 0 || p === -2 || this.rowOf[s] < 0 || (p >= 0 && this.rowOf[p] < 0)) continue;
      const rs = this.rowOf[s];
      const rp = p >= 0 ? this.rowOf[p] : rs;
      if (Math.max(rs, rp) < first || Math.min(rs, rp) > last) continue;
      const pts = this.#route(k, left);
      let lo = Infinity;
      let hi = -Infinity;
      for (let q = 0; q < pts.length; q += 2) {
        lo = Math.min(lo, pts[q]);
        hi = Math.max(hi, pts[q]);
      }
      if (hi < left || lo > left + w) continue;
      this.arrows.push([k, pts]);
      if (k === this.selectedLink) {
        selected = pts;
        continue;
      }
      const critical = p >= 0 && this.flags[p] & CRITICAL && this.flags[s] & CRITICAL;
      this.#arrow(ctx, pts, critical ? c.critical : c.link, p < 0);
      if (p < 0) {
        ctx.fillStyle = c.label;
        ctx.fillText(this.links[k].label ?? `from ${this.links[k].predecessor} (other project)`,
          pts[0] + 2, pts[1] - 2);
      }
    }
    if (selected) {
      ctx.lineWidth = 2;
      this.#arrow(ctx, selected, c["link-selected"], false);
    }
  }

  /**
   * The right-angled route of link k as flat [x, y, x, y, ...] in content px. Arrows
   * leave and enter bars horizontally; when the successor end lies behind the
   * predecessor end the route doubles back along the row boundary.
   */
  #route(k, left) {
    const p = this.linkPred[k];
    const s = this.linkSucc[k];
    const g = ARROW_GAP;
    const ys = this.rowOf[s] * ROW + BAR_MID;
    const [sa, sb] = this.#barExtent(s);
    const px = (x) => Math.round(x) + 0.5;
    if (p < 0) {
      // From the left edge of the view (or a short way before the bar) into the start.
      const from = Math.min(sa, Math.max(left, sa - EXTERNAL_RUN, 0));
      return [px(from), ys, px(sa), ys];
    }
    const rp = this.rowOf[p];
    const yp = rp * ROW + BAR_MID;
    const [pa, pb] = this.#barExtent(p);
    const turnY = (this.rowOf[s] > rp ? rp + 1 : rp) * ROW + 0.5;
    switch (LINK_TYPES[this.linkType[k]]) {
      case "SS": {
        const x = px(Math.min(pa, sa) - g);
        return [px(pa), yp, x, yp, x, ys, px(sa), ys];
      }
      case "FF": {
        const x = px(Math.max(pb, sb) + g);
        return [px(pb), yp, x, yp, x, ys, px(sb), ys];
      }
      case "SF": {
        const out = px(pa - g);
        if (sb <= pa - 2 * g) return [px(pa), yp, out, yp, out, ys, px(sb), ys];
        const back = px(sb + g);
        return [px(pa), yp, out, yp, out, turnY, back, turnY, back, ys, px(sb), ys];
      }
      default: {
        const out = px(pb + g);
        if (sa >= pb + 2 * g) return [px(pb), yp, out, yp, out, ys, px(sa), ys];
        const back = px(sa - g);
        return [px(pb), yp, out, yp, out, turnY, back, turnY, back, ys, px(sa), ys];
      }
    }
  }

  #arrow(ctx, pts, colour, dashed) {
    const m = pts.length;
    const dir = Math.sign(pts[m - 2] - pts[m - 4]) || 1;
    ctx.strokeStyle = colour;
    ctx.setLineDash(dashed ? [4, 3] : []);
    ctx.beginPath();
    ctx.moveTo(pts[0], pts[1]);
    for (let q = 2; q < m - 2; q += 2) ctx.lineTo(pts[q], pts[q + 1]);
    ctx.lineTo(pts[m - 2] - dir * 4, pts[m - 1]);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = colour;
    ctx.beginPath();
    ctx.moveTo(pts[m - 2], pts[m - 1]);
    ctx.lineTo(pts[m - 2] - dir * 5.5, pts[m - 1] - 3.5);
    ctx.lineTo(pts[m - 2] - dir * 5.5, pts[m - 1] + 3.5);
    ctx.closePath();
    ctx.fill();
  }

  /** What a drag looks like: the bar's old place, or the link being drawn. */
  #drawDragFeedback(ctx) {
    const d = this.drag;
    if (!d) return;
    const c = this.colours;
    const y = this.rowOf[d.i] * ROW;
    if (d.mode === "link") {
      ctx.strokeStyle = c["link-selected"];
      ctx.lineWidth = 1.5;
      ctx.setLineDash([5, 4]);
      ctx.beginPath();
      ctx.moveTo(this.#barExtent(d.i)[1], y + BAR_MID);
      ctx.lineTo(d.x, d.y);
      ctx.stroke();
      ctx.setLineDash([]);
      if (d.target >= 0) {
        const [a, b] = this.#barExtent(d.target);
        const ty = this.rowOf[d.target] * ROW;
        ctx.strokeRect(a - 2.5, ty + BAR_TOP - 2.5, b - a + 5, BAR_HEIGHT + 5);
      }
      return;
    }
    const a = (d.before.start - this.rangeStart) * this.pxPerMs;
    const b = (d.before.finish - this.rangeStart) * this.pxPerMs;
    ctx.strokeStyle = c.label;
    ctx.lineWidth = 1;
    ctx.setLineDash([3, 3]);
    if (this.flags[d.i] & MILESTONE) {
      this.#diamond(ctx, Math.round(a), y + BAR_MID, DIAMOND);
      ctx.stroke();
    } else {
      const width = Math.max(2, Math.round(b - a));
      ctx.strokeRect(Math.round(a) + 0.5, y + BAR_TOP + 0.5, width, BAR_HEIGHT - 1);
    }
    ctx.setLineDash([]);
  }

  #drawHeader() {
    const {headCtx: ctx, colours: c, viewW: w} = this;
    const left = this.scroller.scrollLeft;
    const half = HEADER / 2;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.fillStyle = c["header-bg"];
    ctx.fillRect(0, 0, w, HEADER);
    ctx.textBaseline = "middle";
    const t0 = this.#timeAt(left);
    const t1 = this.#timeAt(left + w);
    this.headerLabels = {top: [], bottom: []};
    const row = (spec, y, which) => {
      const [unit, label] = spec;
      const {floor, next} = UNITS[unit];
      for (let t = floor(t0); t < t1; t = next(t)) {
        const a = this.#xAt(t) - left;
        const b = this.#xAt(next(t)) - left;
        const text = label(t);
        this.headerLabels[which].push(text);
        ctx.fillStyle = c.grid;
        ctx.fillRect(Math.round(a), y + 4, 1, half - 8);
        if (which === "top") {
          // Long periods keep their label in view at the left edge; the label of a
          // period scrolling out slides left with it until it no longer fits.
          ctx.textAlign = "left";
          ctx.fillStyle = c["header-text"];
          const width = ctx.measureText(text).width;
          const x = Math.min(Math.max(a, 0) + 8, b - width - 8);
          if (x >= Math.max(a, 0) + 4) ctx.fillText(text, x, y + half / 2);
        } else {
          ctx.textAlign = "center";
          const dayOff = unit === "day" && this.#isDayOff(t);
          ctx.fillStyle = dayOff ? c["header-muted"] : c["header-text"];
          ctx.fillText(text, (a + b) / 2, y + half / 2);
        }
      }
    };
    ctx.font = `600 12px ${this.font}`;
    row(this.zoom.top, 0, "top");
    ctx.font = `12px ${this.font}`;
    row(this.zoom.bottom, half, "bottom");
    ctx.textAlign = "left";
    ctx.fillStyle = c.grid;
    ctx.fillRect(0, half, w, 1);
    ctx.fillStyle = c["grid-strong"];
    ctx.fillRect(0, HEADER - 1, w, 1);
    // Small flags where today and the status date cross the header.
    for (const [key, colour] of [["status_date", c["status-date"]], ["today", c.today]]) {
      const t = parseWall(this.zone, this.project[key]);
      const x = this.#xAt(t) - left;
      if (Number.isNaN(t) || x < 0 || x > w) continue;
      ctx.fillStyle = colour;
      ctx.beginPath();
      ctx.moveTo(x - 5, HEADER - 7);
      ctx.lineTo(x + 5, HEADER - 7);
      ctx.lineTo(x, HEADER - 1);
      ctx.closePath();
      ctx.fill();
    }
  }

  /** Fills the pooled rows of the table with the tasks now in view. */
  #renderTable(first, top) {
    this.rowsEl.style.transform = `translateY(${first * ROW - top}px)`;
    // The body never scrolls itself, but find-in-page can scroll a hidden overflow.
    this.gridBody.scrollTop = 0;
    let active = null;
    for (let k = 0; k < this.pool.length; k++) {
      const row = this.pool[k];
      const r = first + k;
      if (r >= this.visCount) {
        row.hidden = true;
        row._idx = -1;
        continue;
      }
      row.hidden = false;
      const i = this.vis[r];
      if (row._idx !== i || row._ver !== this.version) this.#fillRow(row, i, r);
      if (i === this.selected) active = row.id;
    }
    if (active) this.grid.setAttribute("aria-activedescendant", active);
    else this.grid.removeAttribute("aria-activedescendant");
  }

  #fillRow(row, i, r) {
    const t = this.tasks[i];
    const f = this.flags[i];
    row._idx = i;
    row._ver = this.version;
    row.setAttribute("aria-rowindex", String(r + 2));
    row.setAttribute("aria-level", String(this.levels[i]));
    row.setAttribute("aria-selected", String(i === this.selected));
    row.dataset.id = t.id;
    row.classList.toggle("is-selected", i === this.selected);
    row.classList.toggle("is-summary", Boolean(f & SUMMARY));
    row.classList.toggle("is-odd", r % 2 === 1);
    if (f & SUMMARY) row.setAttribute("aria-expanded", String(!this.collapsed[i]));
    else row.removeAttribute("aria-expanded");
    const [wbs, name, start, finish, dur, float] = row.cells;
    wbs.textContent = t.outline ?? "";
    name.style.paddingLeft = `${4 + (this.levels[i] - 1) * 16}px`;
    row.toggleEl.textContent = f & SUMMARY ? (this.collapsed[i] ? "▸" : "▾") : "";
    row.nameEl.textContent = t.name ?? "";
    name.title = t.name ?? "";
    start.textContent = formatDate(this.start[i]);
    finish.textContent = formatDate(this.finish[i]);
    dur.textContent = formatDays(t.duration_minutes ?? 0, this.minutesPerDay);
    const totalFloat = t.total_float_minutes ?? 0;
    float.textContent = formatDays(totalFloat, this.minutesPerDay);
    float.classList.toggle("is-negative", totalFloat < 0);
  }

  /* -------------------------------------------------- pointer */

  #point(e) {
    return this.#pointAt(e.clientX, e.clientY);
  }

  /** A client point in chart content coordinates. */
  #pointAt(clientX, clientY) {
    const box = this.scroller.getBoundingClientRect();
    const vx = clientX - box.left;
    const vy = clientY - box.top;
    return {
      x: vx + this.scroller.scrollLeft,
      y: vy + this.scroller.scrollTop,
      inView: vx < this.scroller.clientWidth && vy < this.scroller.clientHeight,
    };
  }

  /** What lies under a content point: a bar's body, its right edge, its link handle, an arrow. */
  #hitTest(x, y) {
    const r = Math.floor(y / ROW);
    const i = r >= 0 && r < this.visCount ? this.vis[r] : -1;
    if (i >= 0) {
      const f = this.flags[i];
      const [a, b] = this.#barExtent(i);
      const dy = y - r * ROW;
      if (dy >= BAR_TOP - 4 && dy <= BAR_TOP + BAR_HEIGHT + 4 && !(f & SUMMARY)) {
        if (x > b + 2 && x <= b + 2 * HANDLE_GAP) return {kind: "handle", i};
        const edge = f & MILESTONE ? 0 : Math.min(6, (b - a) / 3);
        if (edge && x >= b - edge && x <= b + 2) return {kind: "resize", i};
      }
      if (x >= a && x <= b && dy >= BAR_TOP - 2 && dy <= BAR_TOP + BAR_HEIGHT + 2) {
        return {kind: "bar", i};
      }
    }
    for (const [k, pts] of this.arrows) {
      for (let q = 0; q + 3 < pts.length; q += 2) {
        const [ax, ay, bx, by] = [pts[q], pts[q + 1], pts[q + 2], pts[q + 3]];
        const near = ay === by
          ? Math.abs(y - ay) <= 4 && x >= Math.min(ax, bx) - 2 && x <= Math.max(ax, bx) + 2
          : Math.abs(x - ax) <= 4 && y >= Math.min(ay, by) - 2 && y <= Math.max(ay, by) + 2;
        if (near) return {kind: "link", k, i};
      }
    }
    return {kind: "row", i};
  }

  #onPointerDown(e) {
    if (e.button !== 0 || !this.ready) return;
    const p = this.#point(e);
    if (!p.inView) return;
    const hit = this.#hitTest(p.x, p.y);
    this.press = {hit, x: p.x, y: p.y};
    const draggable = hit.kind === "handle" || hit.kind === "resize"
      || (hit.kind === "bar" && !(this.flags[hit.i] & SUMMARY));
    if (draggable && !this.pending) this.scroller.setPointerCapture(e.pointerId);
  }

  #onPointerMove(e) {
    if (!this.ready) return;
    if (this.drag) {
      this.drag.clientX = e.clientX;
      this.drag.clientY = e.clientY;
      this.#updateDrag();
      this.#autoScroll();
      return;
    }
    const p = this.#point(e);
    const press = this.press;
    if (press && !this.pending && Math.abs(p.x - press.x) + Math.abs(p.y - press.y) > DRAG_THRESHOLD) {
      this.#startDrag(press, e);
      return;
    }
    if (press) return;
    const hit = p.inView ? this.#hitTest(p.x, p.y) : {kind: "none", i: -1};
    const cursors = {bar: "grab", resize: "ew-resize", handle: "crosshair", link: "pointer"};
    let cursor = cursors[hit.kind] ?? "";
    if (hit.kind === "bar" && this.flags[hit.i] & SUMMARY) cursor = "";
    this.scroller.style.cursor = this.pending && cursor ? "progress" : cursor;
    const over = hit.kind === "bar" || hit.kind === "resize" || hit.kind === "handle" ? hit.i : -1;
    if (over !== this.hover) {
      this.hover = over;
      this.#requestDraw();
    }
    if (over >= 0) this.#showTooltip(over, e.clientX, e.clientY);
    else this.#hideTooltip();
  }

  #startDrag(press, e) {
    const {hit} = press;
    const i = hit.i;
    const modes = {bar: "move", resize: "resize", handle: "link"};
    const mode = modes[hit.kind];
    if (!mode || (mode === "move" && this.flags[i] & SUMMARY)) {
      this.press = null;
      return;
    }
    this.drag = {
      mode, i, x0: press.x, x: press.x, y: press.y, days: 0, target: -1,
      clientX: e.clientX, clientY: e.clientY,
      before: {start: this.start[i], finish: this.finish[i]},
    };
    this.press = null;
    this.hover = -1;
    this.#hideTooltip();
    this.#select(i);
    this.#updateDrag();
  }

  /** Follows the pointer (kept in client coordinates, since the chart may scroll under it). */
  #updateDrag() {
    const d = this.drag;
    const p = this.#pointAt(d.clientX, d.clientY);
    d.x = p.x;
    d.y = p.y;
    const i = d.i;
    if (d.mode === "link") {
      const hit = this.#hitTest(p.x, p.y);
      const target = (hit.kind === "bar" || hit.kind === "resize" || hit.kind === "handle")
        && hit.i !== i && !(this.flags[hit.i] & SUMMARY) ? hit.i : -1;
      d.target = target;
      this.scroller.style.cursor = target >= 0 ? "copy" : "crosshair";
      this.#requestDraw();
      return;
    }
    const snap = this.zoom.snapDays;
    let days = Math.round((p.x - d.x0) / this.zoom.pxPerDay / snap) * snap;
    if (d.mode === "resize") {
      while (d.before.finish + days * DAY <= d.before.start) days += snap;
    }
    this.scroller.style.cursor = d.mode === "move" ? "grabbing" : "ew-resize";
    if (days !== d.days) {
      d.days = days;
      if (d.mode === "move") this.start[i] = d.before.start + days * DAY;
      this.finish[i] = d.before.finish + days * DAY;
      this.#computeTaskX(i);
      this.#requestDraw();
    }
    this.#showTooltip(i, d.clientX, d.clientY);
  }

  /** While a drag rests near an edge of the chart, the chart scrolls under it. */
  #autoScroll() {
    const d = this.drag;
    if (!d || this.autoScrollId) return;
    const s = this.scroller;
    const box = s.getBoundingClientRect();
    const speed = (at, from, size) => {
      if (at < from + AUTOSCROLL_EDGE) return -AUTOSCROLL_STEP;
      return at > from + size - AUTOSCROLL_EDGE ? AUTOSCROLL_STEP : 0;
    };
    const dx = speed(d.clientX, box.left, s.clientWidth);
    const dy = speed(d.clientY, box.top, s.clientHeight);
    if (!dx && !dy) return;
    this.autoScrollId = requestAnimationFrame(() => {
      this.autoScrollId = 0;
      if (this.drag !== d) return;
      s.scrollLeft += dx;
      s.scrollTop += dy;
      this.#updateDrag();
      this.#autoScroll();
    });
  }

  #onPointerUp(e) {
    const t0 = e.timeStamp;
    if (this.drag) {
      const d = this.drag;
      this.drag = null;
      this.scroller.style.cursor = "";
      this.#hideTooltip();
      this.#finishDrag(d, t0);
      return;
    }
    const press = this.press;
    this.press = null;
    if (!press) return;
    const {hit} = press;
    this.selectedLink = hit.kind === "link" ? hit.k : -1;
    if (hit.i >= 0) this.#select(hit.i);
    // A finger does not hover: a tap on a bar shows what hovering would (on a phone
    // the table has no date columns), and a tap elsewhere hides it.
    if (e.pointerType !== "mouse") {
      const onBar = hit.kind === "bar" || hit.kind === "resize" || hit.kind === "handle";
      if (onBar) this.#showTooltip(hit.i, e.clientX, e.clientY);
      else this.#hideTooltip();
    }
    this.#requestDraw();
  }

  #cancelDrag() {
    const d = this.drag;
    this.drag = null;
    this.press = null;
    if (d && d.mode !== "link") this.#restoreTask(d.i, d.before);
    this.#hideTooltip();
    this.#requestDraw();
  }

  #restoreTask(i, before) {
    this.start[i] = before.start;
    this.finish[i] = before.finish;
    this.#computeTaskX(i);
  }

  #finishDrag(d, t0) {
    const id = this.tasks[d.i].id;
    const restore = () => this.#restoreTask(d.i, d.before);
    if (d.mode === "link") {
      if (d.target < 0) {
        this.#requestDraw();
        return;
      }
      this.#addLink(d.i, d.target, t0);
      return;
    }
    if (d.days === 0) {
      this.#requestDraw();
      return;
    }
    if (d.mode === "move") {
      const start = new Date(this.zone.toUtc(this.start[d.i])).toISOString();
      this.#commit(() => this.api.moveTask(id, {start}), restore, t0);
    } else {
      const minutes = this.#resizedDuration(d.i, d.before.finish, d.days);
      this.#commit(() => this.api.resizeTask(id, {duration_minutes: minutes}), restore, t0);
    }
  }

  /** The duration after the finish moved by `days` calendar days: working days count. */
  #resizedDuration(i, finish, days) {
    const step = Math.sign(days);
    let working = 0;
    for (let k = 1; k <= Math.abs(days); k++) {
      const day = Math.floor((finish + (step > 0 ? k : k - 1) * step * DAY) / DAY);
      if (this.workingDays.has(mod(day + 4, 7))) working += step;
    }
    const before = this.tasks[i].duration_minutes ?? 0;
    const floor = Math.min(before, this.minutesPerDay);
    return Math.max(floor, before + working * this.minutesPerDay);
  }

  #addLink(p, s, t0) {
    const temporary = {
      id: null, predecessor: this.tasks[p].id, successor: this.tasks[s].id,
      type: "FS", lag_minutes: 0, external: false,
    };
    const before = this.links;
    this.#setLinks([...before, temporary]);
    this.#commit(
      () => this.api.link({predecessor: temporary.predecessor, successor: temporary.successor,
        type: "FS", lag_minutes: 0}),
      () => this.#setLinks(before),
      t0,
    );
  }

  #deleteSelectedLink(t0) {
    const link = this.links[this.selectedLink];
    if (!link || link.id == null || this.pending) return;
    const before = this.links;
    this.selectedLink = -1;
    this.#setLinks(before.filter((other) => other !== link));
    this.#commit(() => this.api.unlink(link.id), () => this.#setLinks(before), t0);
  }

  /**
   * Sends one edit. The optimistic state stays on screen until the answer; then it is
   * undone and the answer (the server's dates for every task that moved) applied.
   */
  async #commit(call, undo, t0) {
    this.pending = true;
    this.element.dataset.pending = "true";
    this.#setStatus("Saving…");
    this.#hideError();
    this.#requestDraw();
    let answer;
    try {
      answer = (await call()) ?? {changed: []};
    } catch (error) {
      undo();
      this.pending = false;
      delete this.element.dataset.pending;
      this.#setStatus(this.#summaryText());
      this.#showError(error);
      this.#requestDraw();
      return;
    }
    undo();
    this.#applyAnswer(answer);
    this.pending = false;
    delete this.element.dataset.pending;
    const moved = answer.changed?.length ?? 0;
    const took = answer.took_ms == null ? "" : ` (server ${Math.round(answer.took_ms)} ms)`;
    this.#setStatus(`Rescheduled: ${moved} task${moved === 1 ? "" : "s"} changed${took}`);
    this.#requestDraw(() => {
      window.__ganttLastRescheduleMs = performance.now() - t0;
      this.element.dispatchEvent(new CustomEvent("gantt:changed", {detail: answer, bubbles: true}));
    });
  }

  #applyAnswer(answer) {
    for (const t of answer.changed ?? []) {
      const i = this.idIndex.get(t.id);
      if (i === undefined) continue;
      // Answers may carry only the fields a re-schedule changes: merge, don't replace.
      const merged = {...this.tasks[i], ...t};
      this.tasks[i] = merged;
      this.#loadTask(i, merged);
      this.#computeTaskX(i);
    }
    if (answer.links) this.#setLinks(answer.links);
    if (answer.finish) this.project.finish = answer.finish;
    this.#extendRange();
    this.version++;
  }

  #onChartWheel(e) {
    if (!e.ctrlKey) return;
    e.preventDefault();
    // Pinch gestures send many small deltas: step one zoom level per 40 px.
    this.wheelZoom += e.deltaY;
    if (Math.abs(this.wheelZoom) < 40) return;
    const step = Math.sign(this.wheelZoom);
    this.wheelZoom = 0;
    const next = ZOOM_ORDER[ZOOM_ORDER.indexOf(this.zoomName) + step];
    if (next) this.setZoom(next, e.clientX - this.scroller.getBoundingClientRect().left);
  }

  #onRowClick(e) {
    const row = e.target.closest(".gantt-row");
    if (!row || row._idx < 0) return;
    if (e.target.closest(".gantt-toggle")) this.#toggle(row._idx);
    this.#select(row._idx);
  }

  /* -------------------------------------------------- keyboard */

  #onKey(e) {
    if (!this.ready) return;
    if (e.key === "Escape") {
      if (this.drag) this.#cancelDrag();
      else this.#hideError();
      return;
    }
    if ((e.key === "Delete" || e.key === "Backspace") && this.selectedLink >= 0) {
      e.preventDefault();
      this.#deleteSelectedLink(e.timeStamp);
      return;
    }
    if (e.target.closest("button, input, select, textarea")) return;
    const r = this.selected >= 0 ? this.rowOf[this.selected] : -1;
    const page = Math.max(1, Math.floor(this.viewH / ROW) - 1);
    const i = this.selected;
    let target = -2;
    switch (e.key) {
      case "ArrowDown": target = r + 1; break;
      case "ArrowUp": target = Math.max(0, r - 1); break;
      case "PageDown": target = r + page; break;
      case "PageUp": target = Math.max(0, r - page); break;
      case "Home": target = 0; break;
      case "End": target = this.visCount - 1; break;
      case "Enter":
      case " ":
        if (i >= 0) this.#toggle(i);
        break;
      case "ArrowRight":
        if (i >= 0 && this.flags[i] & SUMMARY && this.collapsed[i]) this.#toggle(i);
        else if (i >= 0) target = r + 1;
        break;
      case "ArrowLeft":
        if (i >= 0 && this.flags[i] & SUMMARY && !this.collapsed[i]) this.#toggle(i);
        else if (i >= 0 && this.parents[i] >= 0) target = this.rowOf[this.parents[i]];
        break;
      default:
        return;
    }
    e.preventDefault();
    if (target === -2 || this.visCount === 0) return;
    target = Math.min(this.visCount - 1, target);
    this.#select(this.vis[target]);
    const s = this.scroller;
    if (target * ROW < s.scrollTop) s.scrollTop = target * ROW;
    else if ((target + 1) * ROW > s.scrollTop + s.clientHeight) {
      s.scrollTop = (target + 1) * ROW - s.clientHeight;
    }
  }

  /* -------------------------------------------------- messages */

  #summaryText() {
    const finish = parseWall(this.zone, this.project.finish);
    const tasks = `${this.n.toLocaleString("en")} tasks`;
    return Number.isNaN(finish) ? tasks : `${tasks} · finish ${formatDate(finish)}`;
  }

  #setStatus(text) {
    this.status.textContent = text;
  }

  #showError(error) {
    let text = error?.detail ?? error?.message ?? String(error);
    const cycle = error?.cycle ?? [];
    if (cycle.length) {
      const names = cycle.map((id) => {
        const t = this.task(id);
        return t ? `${t.outline} ${t.name}` : `#${id}`;
      });
      text += ` Cycle: ${[...names, names[0]].join(" → ")}.`;
    }
    this.bannerText.textContent = text;
    this.banner.hidden = false;
  }

  #hideError() {
    this.banner.hidden = true;
  }

  #showTooltip(i, clientX, clientY) {
    const t = this.tasks[i];
    const tip = this.tooltip;
    const mpd = this.minutesPerDay;
    const rows = [
      ["Start", formatDateTime(this.start[i])],
      ["Finish", formatDateTime(this.finish[i])],
      ["Duration", formatDays(t.duration_minutes ?? 0, mpd)],
      ["Complete", `${Math.round(this.percent[i])}%`],
      ["Total float", formatDays(t.total_float_minutes ?? 0, mpd)],
      ["Free float", formatDays(t.free_float_minutes ?? 0, mpd)],
    ];
    if (!Number.isNaN(this.baseFinish[i])) {
      // Calendar days between the finish and the baseline finish.
      const days = Math.round(((this.finish[i] - this.baseFinish[i]) / DAY) * 10) / 10;
      const size = `${Math.abs(days)} day${Math.abs(days) === 1 ? "" : "s"}`;
      rows.push(["Baseline", `${formatDate(this.baseStart[i])} – ${formatDate(this.baseFinish[i])}`]);
      rows.push(["Variance", days === 0 ? "on baseline" : `${size} ${days > 0 ? "late" : "early"}`]);
    }
    const title = el("div", "gantt-tooltip-title");
    title.textContent = `${t.outline ?? ""} ${t.name ?? ""}`.trim();
    const list = el("dl");
    for (const [label, value] of rows) {
      const dt = el("dt");
      dt.textContent = label;
      const dd = el("dd");
      dd.textContent = value;
      if (label === "Total float" && (t.total_float_minutes ?? 0) < 0) dd.className = "is-negative";
      list.append(dt, dd);
    }
    const badges = el("div", "gantt-tooltip-badges");
    const badge = (text, className = "") => Object.assign(el("span", className), {textContent: text});
    if (this.flags[i] & CRITICAL) badges.append(badge("Critical", "is-critical"));
    if (this.flags[i] & MILESTONE) badges.append(badge("Milestone"));
    tip.replaceChildren(title, list, badges);
    tip.hidden = false;
    const box = tip.getBoundingClientRect();
    const x = Math.min(clientX + 14, window.innerWidth - box.width - 8);
    const y = clientY + 18 + box.height > window.innerHeight ? clientY - box.height - 12 : clientY + 18;
    tip.style.transform = `translate(${Math.max(4, x)}px, ${Math.max(4, y)}px)`;
  }

  #hideTooltip() {
    this.tooltip.hidden = true;
  }
}
