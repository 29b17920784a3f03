/*
** xlsx.c: a streaming SpreadsheetML writer (xlsx.h).
**
** XML is appended to growing buffers by hand (no printf per cell): a
** sheet's rows go to its own buffer after room kept for the sheet's head
** (dimension, frozen pane, column widths: known only when the rows end),
** which is written there when the sheet ends; the buffer, head, rows and
** tail, then goes to the archive as it is, which compresses it while the
** next sheet is written. Tables and charts are parts of their own, handed
** over when made. Shared strings are found again through an open-addressing
** hash table; sharedStrings.xml, the workbook, the styles, the
** relationships and the content types are written at close. No theme part
** is written (Excel and LibreOffice take their defaults).
**
** The parts follow what libxlsxwriter wrote before (the same elements and
** attributes, numbers printed the same way) so that the content of a
** workbook did not change with the writer (tests/reports/xlsx_same.py).
*/
#define _POSIX_C_SOURCE 200809L
#include "coopsim/xlsx.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "coopsim/date.h"
#include "coopsim/hash.h"
#include "coopsim/text.h"
#include "coopsim/zip_write.h"
#include "fmt_num.h"

#define XML_HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG_REL "http://schemas.openxmlformats.org/package/2006/relationships"
#define CT_PREFIX "application/vnd.openxmlformats-officedocument."
#define MAX_FORMATS 64
#define EMU_PER_PIXEL 9525u
/* columns whose last kept text (cs_xlsx_string_kept) is remembered */
#define KEPT 32u
/* bytes kept before a sheet's rows for its head (sheet_xml) */
#define HEAD_ROOM 4096u

/* ---- the append buffer -------------------------------------------------------- */

typedef struct xbuf {
  char *s;
  size_t len, cap;
  int oom;
} xbuf;

static int xb_grow(xbuf *b, size_t n) {
  if (b->oom) return 0;
  size_t cap = b->cap ? b->cap : 4096;
  while (cap - b->len < n) {
    if (cap > SIZE_MAX / 2) {
      b->oom = 1;
      return 0;
    }
    cap *= 2;
  }
  char *s = realloc(b->s, cap);
  if (!s) {
    b->oom = 1;
    return 0;
  }
  b->s = s;
  b->cap = cap;
  return 1;
}

/* Room for n more bytes at b->s + b->len; 0 when out of memory. */
static inline int xb_room(xbuf *b, size_t n) { return b->cap - b->len >= n || xb_grow(b, n); }

static inline void xb_addn(xbuf *b, const char *s, size_t n) {
  if (n == 0 || !xb_room(b, n)) return;
  memcpy(b->s + b->len, s, n);
  b->len += n;
}

#define XB_LIT(b, lit) xb_addn((b), "" lit, sizeof(lit) - 1) /* a literal only */
static inline void xb_add(xbuf *b, const char *s) { xb_addn(b, s, strlen(s)); }

static void xb_uint(xbuf *b, uint64_t v) {
  if (!xb_room(b, 20)) return;
  b->len += cs_fmt_uint(b->s + b->len, v);
}

static void xb_free(xbuf *b) {
  free(b->s);
  *b = (xbuf){0};
}

/* ---- numbers -------------------------------------------------------------------- */

/* The 16 significant digits of v (finite, 0 < v) as printf's "%.16G"
** rounds them (to nearest, a tie to even), and the power of ten of the
** first, for v from 1e-4 to below 1e16: exactly, in integers. v is m * 2^q
** (m < 2^53), so v * 10^k = m * 5^k * 2^(k+q), with m * 5^k below 2^98 for
** the k (0 .. 19) needed here. Returns 0 outside that range or when the
** estimate of the power of ten was off (the caller asks snprintf). */
static int sixteen_digits(double v, uint64_t *digits, int *exp10) {
  int e = (int)floor(log10(v));
  if (e < -4 || e > 15) return 0;
  int k = 15 - e; /* 0 .. 19 */
  int q;
  double f = frexp(v, &q); /* v = f * 2^q, 0.5 <= f < 1 */
  uint64_t m = (uint64_t)ldexp(f, 53);
  q -= 53;
  unsigned __int128 p = m;
  for (int i = 0; i < k; i++) p *= 5;
  int shift = -(k + q); /* v * 10^k = p * 2^-shift */
  uint64_t n;
  if (shift <= 0) {
    if (-shift > 10) return 0;
    n = (uint64_t)(p << -shift);
  } else {
    if (shift >= 120) return 0;
    unsigned __int128 whole = p >> shift, rest = p - (whole << shift), half = (unsigned __int128)1 << (shift - 1);
    /* below 10^15 before rounding: log10 put v in the next decade up (v
    ** just below a power of ten, 0.09999999999999999), and rounding at this
    ** place could carry it to exactly 10^15, one digit place too high */
    if (whole < 1000000000000000u) return 0;
    n = (uint64_t)whole;
    if (rest > half || (rest == half && (n & 1))) n++;
  }
  if (n < 1000000000000000u || n >= 10000000000000000u) return 0;
  *digits = n;
  *exp10 = e;
  return 1;
}

/* v as printf's "%.16G" writes it (what libxlsxwriter wrote), written by
** hand when it can be: a whole number below 10^15, and any other between
** 10^-4 and 10^16 (sixteen_digits); the rest by snprintf. Returns the length written to out (at least 32 bytes). v must
** be finite. */
static size_t num_text(char *out, double v) {
  if (v > -1e15 && v < 1e15 && v == (double)(int64_t)v) {
    size_t n = 0;
    if (v < 0 || (v == 0 && signbit(v))) out[n++] = '-';
    int64_t i = (int64_t)v;
    return n + cs_fmt_uint(out + n, (uint64_t)(i < 0 ? -i : i));
  }
  uint64_t digits;
  int e;
  if (v != 0 && sixteen_digits(fabs(v), &digits, &e)) {
    char d[20];
    size_t nd = cs_fmt_uint(d, digits); /* 16 */
    while (nd > 1 && d[nd - 1] == '0') nd--;
    size_t n = 0;
    if (v < 0) out[n++] = '-';
    if (e >= 0) {
      size_t whole = (size_t)e + 1; /* <= 16 */
      for (size_t i = 0; i < whole; i++) out[n++] = i < nd ? d[i] : '0';
      if (nd > whole) {
        out[n++] = '.';
        for (size_t i = whole; i < nd; i++) out[n++] = d[i];
      }
    } else {
      out[n++] = '0';
      out[n++] = '.';
      for (int z = -1; z > e; z--) out[n++] = '0';
      for (size_t i = 0; i < nd; i++) out[n++] = d[i];
    }
    return n;
  }
  int n = snprintf(out, 32, "%.16G", v);
  return n > 0 && n < 32 ? (size_t)n : 0;
}

size_t cs_xlsx_num_text(char *out, double v) {
  size_t n = isfinite(v) ? num_text(out, v) : 0;
  out[n] = '\0';
  return n;
}

static void xb_num(xbuf *b, double v) {
  if (!xb_room(b, 32)) return;
  b->len += num_text(b->s + b->len, v);
}

/* ---- text ----------------------------------------------------------------------- */

enum { ESC_TEXT, ESC_ATTR, ESC_PLAIN };

static int is_hex(unsigned char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); }

/* Appends s (n bytes) escaped for XML in the given mode (xlsx.h says how).
** Runs of bytes that need nothing are copied at once. */
static void xb_esc(xbuf *b, const char *text, size_t n, int mode) {
  static const char hex[] = "0123456789ABCDEF";
  const unsigned char *s = (const unsigned char *)text;
  size_t i = 0, run = 0;
  while (i < n) {
    unsigned char c = s[i];
    size_t skip = 1;
    const char *rep = NULL;
    char tmp[8];
    if (c >= 0x80) {
      /* valid UTF-8 is kept, but U+FFFE and U+FFFF, which XML 1.0 does
      ** not allow (Char), are written as invalid bytes are */
      uint32_t cp;
      skip = cs_utf8_len(s + i, n - i, &cp);
      if (skip && cp != 0xFFFE && cp != 0xFFFF) {
        i += skip;
        continue;
      }
      skip = 1;
      rep = "\xEF\xBF\xBD";
    } else if (c == '&') rep = "&amp;";
    else if (c == '<') rep = "&lt;";
    else if (c == '>') rep = "&gt;";
    else if (c == '"' && mode == ESC_ATTR) rep = "&quot;";
    else if (c == '\t' || c == '\n' || c == '\r') {
      if (mode == ESC_ATTR || c == '\r') rep = c == '\t' ? "&#9;" : c == '\n' ? "&#10;" : "&#13;";
    } else if (c < 0x20 || c == 0x7F) {
      if (c == 0x7F) { /* allowed by XML 1.0 */
        i++;
        continue;
      }
      if (mode != ESC_PLAIN) {
        memcpy(tmp, "_x00", 4);
        tmp[4] = hex[c >> 4];
        tmp[5] = hex[c & 15];
        tmp[6] = '_';
        tmp[7] = '\0';
        rep = tmp;
      } else {
        rep = "\xEF\xBF\xBD";
      }
    } else if (c == '_' && mode != ESC_PLAIN && n - i >= 7 && s[i + 1] == 'x' && is_hex(s[i + 2]) &&
               is_hex(s[i + 3]) && is_hex(s[i + 4]) && is_hex(s[i + 5]) && s[i + 6] == '_') {
      rep = "_x005F_"; /* the '_' of a literal _xHHHH_, which would read as an escape */
    }
    if (!rep) {
      i++;
      continue;
    }
    xb_addn(b, text + run, i - run);
    xb_add(b, rep);
    i += skip;
    run = i;
  }
  xb_addn(b, text + run, n - run);
}

char *cs_xlsx_escape(const char *text, size_t n, cs_xlsx_esc mode, size_t *len) {
  xbuf b = {0};
  xb_esc(&b, text, n, mode == CS_XLSX_ESC_CELL ? ESC_TEXT : mode == CS_XLSX_ESC_ATTR ? ESC_ATTR : ESC_PLAIN);
  xb_addn(&b, "", 1);
  if (b.oom) {
    xb_free(&b);
    return NULL;
  }
  if (len) *len = b.len - 1;
  return b.s;
}

static void xb_attr(xbuf *b, const char *s) { xb_esc(b, s, strlen(s), ESC_ATTR); }
static void xb_plain(xbuf *b, const char *s) { xb_esc(b, s, strlen(s), ESC_PLAIN); }

/* ---- cell references -------------------------------------------------------------- */

/* Column col's letters ("A" .. "XFD") at out; returns their count. */
static size_t col_name(char *out, uint32_t col) {
  char tmp[4];
  size_t n = 0;
  col++;
  while (col > 0 && n < sizeof tmp) {
    uint32_t d = (col - 1) % 26;
    tmp[n++] = (char)('A' + d);
    col = (col - 1) / 26;
  }
  for (size_t i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
  return n;
}

/* "B7", or "$B$7" when absolute */
static void xb_cell(xbuf *b, uint32_t row, uint32_t col, int absolute) {
  if (!xb_room(b, 32)) return;
  char *p = b->s + b->len;
  size_t n = 0;
  if (absolute) p[n++] = '$';
  n += col_name(p + n, col);
  if (absolute) p[n++] = '$';
  n += cs_fmt_uint(p + n, (uint64_t)row + 1);
  b->len += n;
}

static void xb_range(xbuf *b, uint32_t r0, uint32_t c0, uint32_t r1, uint32_t c1, int absolute) {
  xb_cell(b, r0, c0, absolute);
  if (r0 == r1 && c0 == c1) return;
  XB_LIT(b, ":");
  xb_cell(b, r1, c1, absolute);
}

size_t cs_xlsx_cell_ref(char *out, uint32_t row, uint32_t col, int abs_row, int abs_col) {
  size_t n = 0;
  if (col >= CS_XLSX_COLS) col = CS_XLSX_COLS - 1;
  if (row >= CS_XLSX_ROWS) row = CS_XLSX_ROWS - 1;
  if (abs_col) out[n++] = '$';
  n += col_name(out + n, col);
  if (abs_row) out[n++] = '$';
  n += cs_fmt_uint(out + n, (uint64_t)row + 1);
  out[n] = '\0';
  return n;
}

/* ---- the workbook ------------------------------------------------------------------- */

typedef struct sst_entry {
  size_t off, len; /* the text in sst_text */
  uint32_t hash;
  uint32_t index;
} sst_entry;

typedef struct sheet_rec {
  char *name;
  uint32_t table; /* its table's number (1 ..), 0 when none */
  uint32_t drawing; /* its drawing's number, 0 when none */
} sheet_rec;

typedef struct format_rec {
  cs_xlsx_style style; /* num_format owned */
  int numfmt_id;
  int font_id;
} format_rec;

struct cs_xlsx {
  cs_zip *zip;
  char *shown;
  char *title, *comments;
  time_t made;
  int rc; /* the first error, 0 while none */
  cs_error err;
  /* formats: 0 is the default */
  format_rec fmt[MAX_FORMATS];
  int nfmt;
  /* shared strings */
  xbuf sst_xml;    /* the <si> elements */
  xbuf sst_text;   /* the texts, for comparison */
  sst_entry *sst;  /* by index */
  uint32_t nsst, sst_cap;
  uint32_t *slots; /* hash table: index + 1, 0 empty */
  uint32_t nslots;
  uint64_t sst_count; /* string cells */
  /* per column (modulo KEPT), the text cs_xlsx_string_kept wrote there last
  ** and its shared string: the same address again is the same text */
  struct { const char *text; uint32_t index; } kept[KEPT];
  /* sheets */
  sheet_rec *sheets;
  uint32_t nsheets, sheets_cap;
  uint32_t ntables, ncharts, ndrawings;
  /* the current sheet */
  int open;      /* a sheet is being written */
  xbuf data;     /* HEAD_ROOM bytes, then its <sheetData> rows */
  size_t last_len; /* the size of the largest sheet's XML yet */
  int64_t row;   /* the open row, -1 when none */
  int64_t col;   /* the last cell's column in it */
  uint32_t max_row, max_col;
  int any_cell;
  uint32_t freeze_rows, freeze_cols;
  double *width; /* per column, < 0 when not set */
  uint32_t nwidth;
  xbuf drawing;  /* its anchors, when it has charts */
  uint32_t sheet_charts;
  xbuf chart_rels;
  /* its table */
  int in_table;
  char *table_name;
  char **heads;
  size_t nheads;
};

static int fail(cs_xlsx *x, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(cs_xlsx *x, int code, const char *fmt, ...) {
  if (x->rc) return x->rc;
  char msg[CS_ERROR_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  x->rc = code;
  if (code == CS_ENOMEM) cs_error_set(&x->err, code, "%s: %s", x->shown, msg);
  else cs_error_set(&x->err, code, "%s: cannot write the workbook: %s", x->shown, msg);
  return code;
}

static int oom(cs_xlsx *x) { return fail(x, CS_ENOMEM, "out of memory writing the workbook"); }

static const char *sheet_name_of(const cs_xlsx *x) { return x->nsheets ? x->sheets[x->nsheets - 1].name : "?"; }

/* Hands the part over to the archive (which takes b's buffer and frees
** it); an error of the archive becomes the workbook's. */
static void put_part(cs_xlsx *x, const char *name, xbuf *b) {
  if (b->oom) {
    xb_free(b);
    oom(x);
    return;
  }
  if (x->rc) {
    xb_free(b);
    return;
  }
  char *data = b->s ? b->s : malloc(1);
  size_t len = b->len, size = b->s ? b->cap : 0;
  *b = (xbuf){0};
  if (!data) {
    oom(x);
    return;
  }
  cs_error e = {0};
  /* once written, the archive keeps the buffer for a next sheet (cs_xlsx_sheet) */
  if (cs_zip_add_kept(x->zip, name, data, len, size, &e)) {
    x->rc = e.code ? e.code : CS_EIO;
    x->err = e;
    x->err.code = x->rc;
  }
}

static char *dup(cs_xlsx *x, const char *s) {
  if (!s) return NULL;
  char *d = strdup(s);
  if (!d) oom(x);
  return d;
}

cs_xlsx *cs_xlsx_new(int fd, const char *shown, const char *title, const char *comments, cs_error *err) {
  cs_xlsx *x = calloc(1, sizeof *x);
  if (!x) {
    cs_error_set(err, CS_ENOMEM, "%s: out of memory starting the workbook", shown ? shown : "workbook");
    return NULL;
  }
  x->shown = strdup(shown ? shown : "workbook");
  x->title = title ? strdup(title) : NULL;
  x->comments = comments ? strdup(comments) : NULL;
  x->nfmt = 1;
  x->row = -1;
  if (!x->shown || (title && !x->title) || (comments && !x->comments)) {
    cs_error_set(err, CS_ENOMEM, "%s: out of memory starting the workbook", shown ? shown : "workbook");
    cs_xlsx_abandon(x);
    return NULL;
  }
  x->made = time(NULL);
  x->zip = cs_zip_new(fd, x->shown, err);
  if (!x->zip) {
    cs_xlsx_abandon(x);
    return NULL;
  }
  return x;
}

int cs_xlsx_failed(const cs_xlsx *x) { return x->rc != 0; }

int cs_xlsx_format(cs_xlsx *x, const cs_xlsx_style *style) {
  if (x->rc) return 0;
  if (x->nfmt >= MAX_FORMATS) {
    fail(x, CS_EINVAL, "more than %d cell formats", MAX_FORMATS - 1);
    return 0;
  }
  format_rec *f = &x->fmt[x->nfmt];
  f->style = *style;
  f->style.num_format = NULL;
  if (style->num_format && !(f->style.num_format = dup(x, style->num_format))) return 0;
  return x->nfmt++;
}

/* ---- shared strings ------------------------------------------------------------------- */

static int sst_rehash(cs_xlsx *x) {
  uint32_t n = x->nslots ? x->nslots * 2 : 1024;
  uint32_t *slots = calloc(n, sizeof *slots);
  if (!slots) return 0;
  for (uint32_t i = 0; i < x->nsst; i++) {
    uint32_t k = x->sst[i].hash & (n - 1);
    while (slots[k]) k = (k + 1) & (n - 1);
    slots[k] = i + 1;
  }
  free(x->slots);
  x->slots = slots;
  x->nslots = n;
  return 1;
}

/* The shared string's index of text (added when new); UINT32_MAX when out
** of memory. */
static uint32_t sst_index(cs_xlsx *x, const char *text, size_t n) {
  uint32_t h = (uint32_t)cs_hash_mem(text, n);
  if (x->nslots) {
    for (uint32_t k = h & (x->nslots - 1);; k = (k + 1) & (x->nslots - 1)) {
      uint32_t i = x->slots[k];
      if (!i) break;
      const sst_entry *e = &x->sst[i - 1];
      if (e->hash == h && e->len == n && memcmp(x->sst_text.s + e->off, text, n) == 0) return e->index;
    }
  }
  if ((uint64_t)(x->nsst + 1) * 2 > x->nslots && !sst_rehash(x)) return UINT32_MAX;
  if (x->nsst == x->sst_cap) {
    uint32_t cap = x->sst_cap ? x->sst_cap * 2 : 256;
    sst_entry *e = realloc(x->sst, cap * sizeof *e);
    if (!e) return UINT32_MAX;
    x->sst = e;
    x->sst_cap = cap;
  }
  size_t off = x->sst_text.len;
  xb_addn(&x->sst_text, text, n);
  XB_LIT(&x->sst_xml, "<si><t");
  int keep = n && (text[0] == ' ' || text[0] == '\t' || text[0] == '\n' || text[n - 1] == ' ' ||
                   text[n - 1] == '\t' || text[n - 1] == '\n');
  if (keep) XB_LIT(&x->sst_xml, " xml:space=\"preserve\"");
  XB_LIT(&x->sst_xml, ">");
  xb_esc(&x->sst_xml, text, n, ESC_TEXT);
  XB_LIT(&x->sst_xml, "</t></si>");
  if (x->sst_text.oom || x->sst_xml.oom) return UINT32_MAX;
  uint32_t i = x->nsst++;
  x->sst[i] = (sst_entry){off, n, h, i};
  uint32_t k = h & (x->nslots - 1);
  while (x->slots[k]) k = (k + 1) & (x->nslots - 1);
  x->slots[k] = i + 1;
  return i;
}

/* ---- sheets and cells ----------------------------------------------------------------- */

static void end_sheet(cs_xlsx *x);

void cs_xlsx_sheet(cs_xlsx *x, const char *name) {
  if (x->rc) return;
  if (x->open) end_sheet(x);
  if (x->rc) return;
  size_t chars = 0;
  for (const char *p = name; *p; p++) chars += ((unsigned char)*p & 0xC0) != 0x80;
  if (!chars || chars > 31) {
    fail(x, CS_EINVAL, "sheet name \"%s\": Excel takes 1 to 31 characters", name);
    return;
  }
  if (x->nsheets == x->sheets_cap) {
    uint32_t cap = x->sheets_cap ? x->sheets_cap * 2 : 16;
    sheet_rec *s = realloc(x->sheets, cap * sizeof *s);
    if (!s) {
      oom(x);
      return;
    }
    x->sheets = s;
    x->sheets_cap = cap;
  }
  sheet_rec *s = &x->sheets[x->nsheets];
  *s = (sheet_rec){0};
  if (!(s->name = dup(x, name))) return;
  x->nsheets++;
  /* the rows' buffer, as large as the largest sheet yet (the archive took
  ** it): one the archive has written and kept (its pages touched already:
  ** put_part), else a new one */
  x->data.len = 0;
  if (!x->data.s && x->last_len > HEAD_ROOM) {
    size_t size;
    char *p = cs_zip_spare(x->zip, x->last_len + 64, &size);
    if (p) x->data = (xbuf){p, 0, size, 0};
  }
  if (!x->data.s && !xb_room(&x->data, x->last_len > HEAD_ROOM ? x->last_len + 64 : 65536)) {
    oom(x);
    return;
  }
  x->data.len = HEAD_ROOM;
  x->open = 1;
  x->row = -1;
  x->col = -1;
  x->max_row = x->max_col = 0;
  x->any_cell = 0;
  x->freeze_rows = x->freeze_cols = 0;
  x->sheet_charts = 0;
  for (uint32_t i = 0; i < x->nwidth; i++) x->width[i] = -1;
}

void cs_xlsx_freeze(cs_xlsx *x, uint32_t rows, uint32_t cols) {
  if (x->rc) return;
  if (!x->open) {
    fail(x, CS_EINVAL, "a pane frozen before any sheet");
    return;
  }
  x->freeze_rows = rows;
  x->freeze_cols = cols;
}

void cs_xlsx_width(cs_xlsx *x, uint32_t col, double width) {
  if (x->rc) return;
  if (!x->open || col >= CS_XLSX_COLS || !(width >= 0 && width <= 255)) {
    fail(x, CS_EINVAL, "sheet %s: column %u: width %g", sheet_name_of(x), (unsigned)col, width);
    return;
  }
  if (col >= x->nwidth) {
    uint32_t n = x->nwidth ? x->nwidth : 16;
    while (n <= col) n *= 2;
    double *w = realloc(x->width, n * sizeof *w);
    if (!w) {
      oom(x);
      return;
    }
    for (uint32_t i = x->nwidth; i < n; i++) w[i] = -1;
    x->width = w;
    x->nwidth = n;
  }
  x->width[col] = width;
}

/* Opens the cell (row, col): closes the row before when the cell starts a
** new one, checks the order and Excel's limits; writes `<c r="B7"` and the
** format. 0 when the cell may not be written (the error is set). */
static int cell_open(cs_xlsx *x, uint32_t row, uint32_t col, int fmt) {
  if (x->rc) return 0;
  if (!x->open) return !fail(x, CS_EINVAL, "a cell written before any sheet");
  if (row >= CS_XLSX_ROWS || col >= CS_XLSX_COLS)
    return !fail(x, CS_EINVAL, "sheet %s: row %u, column %u: past Excel's last cell", sheet_name_of(x),
                 (unsigned)row + 1, (unsigned)col + 1);
  if (fmt < 0 || fmt >= x->nfmt) return !fail(x, CS_EINVAL, "sheet %s: no cell format %d", sheet_name_of(x), fmt);
  xbuf *b = &x->data;
  if ((int64_t)row != x->row) {
    if ((int64_t)row < x->row) {
      char at[16];
      at[col_name(at, col)] = '\0';
      return !fail(x, CS_EINVAL, "sheet %s: cell %s%u written after row %u", sheet_name_of(x), at,
                   (unsigned)row + 1, (unsigned)x->row + 1);
    }
    if (x->row >= 0) XB_LIT(b, "</row>");
    XB_LIT(b, "<row r=\"");
    xb_uint(b, (uint64_t)row + 1);
    XB_LIT(b, "\">");
    x->row = row;
    x->col = -1;
  } else if ((int64_t)col <= x->col) {
    char at[16];
    at[col_name(at, col)] = '\0';
    return !fail(x, CS_EINVAL, "sheet %s: cell %s%u written twice or out of order", sheet_name_of(x), at,
                 (unsigned)row + 1);
  }
  /* Every cell carries its reference. ECMA-376 (part 1, 18.3.1.4) lets a
  ** cell without one follow the cell before it, and Excel, LibreOffice and
  ** openpyxl read it so, but readers such as EPPlus and ClosedXML need it;
  ** leaving it out saved about 60 ms of the national workbook (and 4.5 of
  ** its 10.5 MB), not worth a workbook some of a planner's tools misread. */
  x->col = col;
  if (row > x->max_row) x->max_row = row;
  if (col > x->max_col) x->max_col = col;
  x->any_cell = 1;
  XB_LIT(b, "<c r=\"");
  xb_cell(b, row, col, 0);
  XB_LIT(b, "\"");
  if (fmt) {
    XB_LIT(b, " s=\"");
    xb_uint(b, (uint64_t)fmt);
    XB_LIT(b, "\"");
  }
  if (b->oom) return !oom(x);
  return 1;
}

/* Ends the open cell as shared string i. */
static void shared_string_cell(cs_xlsx *x, uint32_t i) {
  x->sst_count++;
  XB_LIT(&x->data, " t=\"s\"><v>");
  xb_uint(&x->data, i);
  XB_LIT(&x->data, "</v></c>");
}

/* cs_xlsx_string: the shared string written, or UINT32_MAX when none was
** (an empty text, an error). */
static uint32_t string_cell(cs_xlsx *x, uint32_t row, uint32_t col, const char *text, int fmt) {
  if (x->rc) return UINT32_MAX;
  size_t n = strlen(text), chars = n;
  if (n > CS_XLSX_TEXT_MAX) { /* counted only when the bytes could be too many */
    chars = 0;
    for (size_t i = 0; i < n; i++) chars += ((unsigned char)text[i] & 0xC0) != 0x80;
  }
  if (chars > CS_XLSX_TEXT_MAX) {
    char at[16];
    at[col_name(at, col)] = '\0';
    fail(x, CS_EINVAL, "sheet %s: cell %s%u: %zu characters of text, more than Excel's %u", sheet_name_of(x), at,
         (unsigned)row + 1, chars, CS_XLSX_TEXT_MAX);
    return UINT32_MAX;
  }
  if (n == 0) { /* as libxlsxwriter: a blank cell, and none without a format */
    if (fmt && cell_open(x, row, col, fmt)) XB_LIT(&x->data, "/>");
    return UINT32_MAX;
  }
  if (!cell_open(x, row, col, fmt)) return UINT32_MAX;
  uint32_t i = sst_index(x, text, n);
  if (i == UINT32_MAX) {
    oom(x);
    return UINT32_MAX;
  }
  shared_string_cell(x, i);
  return i;
}

void cs_xlsx_string(cs_xlsx *x, uint32_t row, uint32_t col, const char *text, int fmt) {
  (void)string_cell(x, row, col, text, fmt);
}

void cs_xlsx_string_kept(cs_xlsx *x, uint32_t row, uint32_t col, const char *text, int fmt) {
  if (x->rc) return;
  uint32_t k = col % KEPT;
  /* the address kept last in this column is only a hint: the text there is
  ** compared with that shared string's (a caller's buffer may hold another
  ** text by now); the same text needs no length check, hash or search */
  const sst_entry *e = x->kept[k].text == text ? &x->sst[x->kept[k].index] : NULL;
  if (!e || strncmp(text, x->sst_text.s + e->off, e->len) != 0 || text[e->len] != '\0') {
    uint32_t i = string_cell(x, row, col, text, fmt);
    if (i != UINT32_MAX) x->kept[k].text = text, x->kept[k].index = i;
    return;
  }
  if (cell_open(x, row, col, fmt)) shared_string_cell(x, x->kept[k].index);
}

static int finite_or_fail(cs_xlsx *x, uint32_t row, uint32_t col, double v) {
  if (isfinite(v)) return 1;
  char at[16];
  at[col_name(at, col)] = '\0';
  fail(x, CS_EINVAL, "sheet %s: cell %s%u: %g is not a number Excel can hold", sheet_name_of(x), at,
       (unsigned)row + 1, v);
  return 0;
}

void cs_xlsx_number(cs_xlsx *x, uint32_t row, uint32_t col, double value, int fmt) {
  if (x->rc || !finite_or_fail(x, row, col, value) || !cell_open(x, row, col, fmt)) return;
  XB_LIT(&x->data, "><v>");
  xb_num(&x->data, value);
  XB_LIT(&x->data, "</v></c>");
}

void cs_xlsx_formula(cs_xlsx *x, uint32_t row, uint32_t col, const char *formula, double value, int fmt) {
  if (x->rc || !finite_or_fail(x, row, col, value) || !cell_open(x, row, col, fmt)) return;
  XB_LIT(&x->data, "><f>");
  xb_plain(&x->data, formula);
  XB_LIT(&x->data, "</f><v>");
  xb_num(&x->data, value);
  XB_LIT(&x->data, "</v></c>");
}

void cs_xlsx_date(cs_xlsx *x, uint32_t row, uint32_t col, int year, int month, int day, int fmt) {
  if (x->rc) return;
  /* Excel's day 61 is 1900-03-01: days since 1899-12-30 from then on (its
  ** day 60 is 29 February 1900, a day that never was) */
  int ok = year >= 1900 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
           day <= cs_date_days_in_month(year, month) && (year > 1900 || month >= 3);
  if (!ok) {
    char at[16];
    at[col_name(at, col)] = '\0';
    fail(x, CS_EINVAL, "sheet %s: cell %s%u: %04d-%02d-%02d is not a date Excel can hold (1900-03-01 .. 9999-12-31)",
         sheet_name_of(x), at, (unsigned)row + 1, year, month, day);
    return;
  }
  cs_date d = {year, month, day}, epoch = {1899, 12, 30};
  cs_xlsx_number(x, row, col, (double)(cs_date_ordinal(d) - cs_date_ordinal(epoch)), fmt);
}

/* ---- tables ---------------------------------------------------------------------------------- */

static void free_table(cs_xlsx *x) {
  for (size_t i = 0; i < x->nheads; i++) free(x->heads[i]);
  free(x->heads);
  free(x->table_name);
  x->heads = NULL;
  x->table_name = NULL;
  x->nheads = 0;
  x->in_table = 0;
}

void cs_xlsx_table_begin(cs_xlsx *x, const char *name, const char *const *heads, size_t n, int head_fmt) {
  if (x->rc) return;
  if (!x->open || x->any_cell || x->sheets[x->nsheets - 1].table || x->in_table || n == 0 || n > CS_XLSX_COLS) {
    fail(x, CS_EINVAL, "sheet %s: table %s must come first, once, with 1 to %u columns", sheet_name_of(x), name,
         CS_XLSX_COLS);
    return;
  }
  x->heads = calloc(n, sizeof *x->heads);
  x->table_name = dup(x, name);
  if (!x->heads || !x->table_name) {
    free_table(x);
    oom(x);
    return;
  }
  x->nheads = n;
  x->in_table = 1;
  for (size_t c = 0; c < n; c++) {
    if (!(x->heads[c] = dup(x, heads[c]))) return;
    cs_xlsx_string(x, 0, (uint32_t)c, heads[c], head_fmt);
  }
}

/* Appends a table column's name as a structured reference writes it:
** [ ] # and ' escaped with a '. */
static void xb_structured(xbuf *b, const char *s) {
  size_t run = 0, i = 0;
  for (; s[i]; i++) {
    if (!strchr("[]#'", s[i])) continue;
    xb_esc(b, s + run, i - run, ESC_PLAIN);
    XB_LIT(b, "'");
    run = i;
  }
  xb_esc(b, s + run, i - run, ESC_PLAIN);
}

void cs_xlsx_table_end(cs_xlsx *x, uint32_t last_row, const int *totals, const double *values, size_t label_col,
                       const char *label) {
  if (x->rc) return;
  if (!x->in_table) {
    fail(x, CS_EINVAL, "sheet %s: a table ended that did not begin", sheet_name_of(x));
    return;
  }
  if (last_row == 0) last_row = 1; /* Excel wants a data row */
  uint32_t id = ++x->ntables;
  x->sheets[x->nsheets - 1].table = id;
  uint32_t last_col = (uint32_t)(x->nheads - 1);
  if (totals) {
    for (size_t c = 0; c < x->nheads && !x->rc; c++) {
      if (label && c == label_col) cs_xlsx_string(x, last_row + 1, (uint32_t)c, label, 0);
      else if (totals[c]) {
        xbuf f = {0};
        XB_LIT(&f, "SUBTOTAL(109,[");
        xb_structured(&f, x->heads[c]);
        XB_LIT(&f, "])");
        XB_LIT(&f, "\0");
        if (f.oom) oom(x);
        else {
          /* the formula is escaped already: written as it is */
          if (finite_or_fail(x, last_row + 1, (uint32_t)c, values[c]) && cell_open(x, last_row + 1, (uint32_t)c, 0)) {
            XB_LIT(&x->data, "><f>");
            xb_addn(&x->data, f.s, f.len - 1);
            XB_LIT(&x->data, "</f><v>");
            xb_num(&x->data, values[c]);
            XB_LIT(&x->data, "</v></c>");
          }
        }
        xb_free(&f);
      }
    }
  }
  xbuf t = {0};
  XB_LIT(&t, XML_HEAD "<table xmlns=\"" NS_MAIN "\" id=\"");
  xb_uint(&t, id);
  XB_LIT(&t, "\" name=\"");
  xb_attr(&t, x->table_name);
  XB_LIT(&t, "\" displayName=\"");
  xb_attr(&t, x->table_name);
  XB_LIT(&t, "\" ref=\"");
  xb_range(&t, 0, 0, last_row + (totals != NULL), last_col, 0);
  if (totals) XB_LIT(&t, "\" totalsRowCount=\"1\"><autoFilter ref=\"");
  else XB_LIT(&t, "\" totalsRowShown=\"0\"><autoFilter ref=\"");
  xb_range(&t, 0, 0, last_row, last_col, 0);
  XB_LIT(&t, "\"/><tableColumns count=\"");
  xb_uint(&t, x->nheads);
  XB_LIT(&t, "\">");
  for (size_t c = 0; c < x->nheads; c++) {
    XB_LIT(&t, "<tableColumn id=\"");
    xb_uint(&t, c + 1);
    XB_LIT(&t, "\" name=\"");
    xb_attr(&t, x->heads[c]);
    XB_LIT(&t, "\"");
    if (totals && label && c == label_col) {
      XB_LIT(&t, " totalsRowLabel=\"");
      xb_attr(&t, label);
      XB_LIT(&t, "\"");
    } else if (totals && totals[c]) {
      XB_LIT(&t, " totalsRowFunction=\"sum\"");
    }
    XB_LIT(&t, "/>");
  }
  XB_LIT(&t, "</tableColumns><tableStyleInfo name=\"TableStyleMedium2\" showFirstColumn=\"0\" showLastColumn=\"0\" "
             "showRowStripes=\"1\" showColumnStripes=\"0\"/></table>");
  char part[48];
  snprintf(part, sizeof part, "xl/tables/table%u.xml", (unsigned)id);
  put_part(x, part, &t);
  free_table(x);
}

/* ---- charts ------------------------------------------------------------------------------------ */

/* A sheet's name in a formula: quoted (' doubled) unless it is letters,
** digits, '_' and '.' only and does not start with a digit. */
static void xb_sheet_ref(xbuf *b, const char *name) {
  int plain = !(name[0] >= '0' && name[0] <= '9');
  for (const char *p = name; *p && plain; p++)
    plain = (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '.';
  if (plain) {
    xb_plain(b, name);
    return;
  }
  XB_LIT(b, "'");
  for (const char *p = name; *p; p++) {
    const char *q = strchr(p, '\'');
    size_t n = q ? (size_t)(q - p) : strlen(p);
    xb_esc(b, p, n, ESC_PLAIN);
    if (!q) break;
    XB_LIT(b, "''");
    p = q;
  }
  XB_LIT(b, "'");
}

static void xb_rich(xbuf *b, const char *text) {
  XB_LIT(b, "<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr/></a:pPr><a:r><a:rPr "
            "lang=\"en-US\"/><a:t>");
  xb_plain(b, text);
  XB_LIT(b, "</a:t></a:r></a:p></c:rich></c:tx><c:layout/></c:title>");
}

static void xb_pt(xbuf *b, size_t idx) {
  XB_LIT(b, "<c:pt idx=\"");
  xb_uint(b, idx);
  XB_LIT(b, "\"><c:v>");
}

/* Series s's rows of column col as a reference, Sheet!$C$2:$C$9, at b. */
static void xb_series_rows(xbuf *b, const cs_xlsx_series *s, uint32_t col) {
  xb_sheet_ref(b, s->sheet);
  XB_LIT(b, "!");
  xb_range(b, s->first_row, col, s->last_row, col, 1);
}

/* The categories of series s, their reference and cached names, at b. */
static void write_categories(xbuf *b, const cs_xlsx_series *s) {
  size_t n = s->last_row - s->first_row + 1;
  XB_LIT(b, "<c:cat><c:strRef><c:f>");
  xb_series_rows(b, s, s->cat_col);
  XB_LIT(b, "</c:f><c:strCache><c:ptCount val=\"");
  xb_uint(b, n);
  XB_LIT(b, "\"/>");
  for (size_t i = 0; i < n; i++) {
    xb_pt(b, i);
    xb_plain(b, s->cats[i]);
    XB_LIT(b, "</c:v></c:pt>");
  }
  XB_LIT(b, "</c:strCache></c:strRef></c:cat>");
}

/* Series k of a chart at b; same_cats: its categories are those of the
** series before, whose XML starts at cats_at in b (cats_len bytes). */
static void write_series(xbuf *b, const cs_xlsx_series *s, size_t k, size_t *cats_at, size_t *cats_len,
                         int same_cats) {
  size_t n = s->last_row - s->first_row + 1;
  XB_LIT(b, "<c:ser><c:idx val=\"");
  xb_uint(b, k);
  XB_LIT(b, "\"/><c:order val=\"");
  xb_uint(b, k);
  XB_LIT(b, "\"/><c:tx><c:strRef><c:f>");
  xb_sheet_ref(b, s->sheet);
  XB_LIT(b, "!");
  xb_cell(b, s->name_row, s->name_col, 1);
  XB_LIT(b, "</c:f><c:strCache><c:ptCount val=\"1\"/>");
  xb_pt(b, 0);
  xb_plain(b, s->name);
  XB_LIT(b, "</c:v></c:pt></c:strCache></c:strRef></c:tx><c:spPr><a:solidFill><a:srgbClr val=\"");
  char rgb[8];
  snprintf(rgb, sizeof rgb, "%06X", (unsigned)(s->colour & 0xFFFFFFu));
  xb_add(b, rgb);
  XB_LIT(b, "\"/></a:solidFill></c:spPr>");
  /* the same categories as the series before: their XML again */
  if (same_cats && xb_room(b, *cats_len)) {
    memcpy(b->s + b->len, b->s + *cats_at, *cats_len);
    *cats_at = b->len;
    b->len += *cats_len;
  } else {
    *cats_at = b->len;
    write_categories(b, s);
    *cats_len = b->len - *cats_at;
  }
  XB_LIT(b, "<c:val><c:numRef><c:f>");
  xb_series_rows(b, s, s->val_col);
  XB_LIT(b, "</c:f><c:numCache><c:formatCode>General</c:formatCode><c:ptCount val=\"");
  xb_uint(b, n);
  XB_LIT(b, "\"/>");
  for (size_t i = 0; i < n; i++) {
    xb_pt(b, i);
    xb_num(b, isfinite(s->values[i]) ? s->values[i] : 0);
    XB_LIT(b, "</c:v></c:pt>");
  }
  XB_LIT(b, "</c:numCache></c:numRef></c:val></c:ser>");
}

/* The anchor of a chart: from its cell to the cell its far corner falls
** in, with the offsets in EMU, over default columns (64 px) and rows (20 px). */
static void write_anchor(xbuf *b, const cs_xlsx_chart *c, uint32_t number, uint32_t rel) {
  XB_LIT(b, "<xdr:twoCellAnchor><xdr:from><xdr:col>");
  xb_uint(b, c->col);
  XB_LIT(b, "</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>");
  xb_uint(b, c->row);
  XB_LIT(b, "</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>");
  xb_uint(b, (uint64_t)c->col + c->width / 64);
  XB_LIT(b, "</xdr:col><xdr:colOff>");
  xb_uint(b, (uint64_t)(c->width % 64) * EMU_PER_PIXEL);
  XB_LIT(b, "</xdr:colOff><xdr:row>");
  xb_uint(b, (uint64_t)c->row + c->height / 20);
  XB_LIT(b, "</xdr:row><xdr:rowOff>");
  xb_uint(b, (uint64_t)(c->height % 20) * EMU_PER_PIXEL);
  XB_LIT(b, "</xdr:rowOff></xdr:to><xdr:graphicFrame macro=\"\"><xdr:nvGraphicFramePr><xdr:cNvPr id=\"");
  xb_uint(b, (uint64_t)number + 1);
  XB_LIT(b, "\" name=\"Chart ");
  xb_uint(b, number);
  XB_LIT(b, "\" descr=\"");
  xb_attr(b, c->title ? c->title : "");
  XB_LIT(b, "\"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"0\" "
            "cy=\"0\"/></xdr:xfrm><a:graphic><a:graphicData "
            "uri=\"http://schemas.openxmlformats.org/drawingml/2006/chart\"><c:chart "
            "xmlns:c=\"http://schemas.openxmlformats.org/drawingml/2006/chart\" xmlns:r=\"" NS_REL "\" r:id=\"rId");
  xb_uint(b, rel);
  XB_LIT(b, "\"/></a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>");
}

void cs_xlsx_bar_chart(cs_xlsx *x, const cs_xlsx_chart *c) {
  if (x->rc) return;
  if (!x->open || c->row >= CS_XLSX_ROWS || c->col >= CS_XLSX_COLS) {
    fail(x, CS_EINVAL, "a chart outside a sheet");
    return;
  }
  for (size_t k = 0; k < c->nseries; k++)
    if (c->series[k].last_row < c->series[k].first_row || c->series[k].last_row >= CS_XLSX_ROWS) {
      fail(x, CS_EINVAL, "sheet %s: chart %s: series %zu has no rows", sheet_name_of(x), c->title ? c->title : "",
           k + 1);
      return;
    }
  uint32_t id = ++x->ncharts;
  xbuf b = {0};
  size_t room = 4096; /* about the chart's size: no copies as it grows */
  for (size_t k = 0; k < c->nseries; k++) room += 600 + (size_t)(c->series[k].last_row - c->series[k].first_row + 1) * 80;
  if (!xb_room(&b, room)) {
    oom(x);
    return;
  }
  XB_LIT(&b, XML_HEAD "<c:chartSpace xmlns:c=\"http://schemas.openxmlformats.org/drawingml/2006/chart\" "
                      "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" xmlns:r=\"" NS_REL
                      "\"><c:lang val=\"en-US\"/><c:chart>");
  if (c->title) xb_rich(&b, c->title);
  XB_LIT(&b, "<c:plotArea><c:layout/><c:barChart><c:barDir val=\"bar\"/><c:grouping val=\"clustered\"/>");
  size_t cats_at = 0, cats_len = 0;
  for (size_t k = 0; k < c->nseries; k++) {
    const cs_xlsx_series *s = &c->series[k], *p = k ? s - 1 : NULL;
    int same = p && !b.oom && p->cats == s->cats && p->first_row == s->first_row && p->last_row == s->last_row &&
               p->cat_col == s->cat_col && strcmp(p->sheet, s->sheet) == 0;
    write_series(&b, s, k, &cats_at, &cats_len, same);
  }
  XB_LIT(&b, "<c:gapWidth val=\"");
  xb_uint(&b, c->gap);
  XB_LIT(&b, "\"/><c:axId val=\"50010001\"/><c:axId val=\"50010002\"/></c:barChart><c:catAx><c:axId "
             "val=\"50010001\"/><c:scaling><c:orientation val=\"maxMin\"/></c:scaling><c:axPos val=\"l\"/><c:tickLblPos "
             "val=\"nextTo\"/><c:crossAx val=\"50010002\"/><c:crosses val=\"autoZero\"/><c:auto val=\"1\"/><c:lblAlgn "
             "val=\"ctr\"/><c:lblOffset val=\"100\"/></c:catAx><c:valAx><c:axId val=\"50010002\"/><c:scaling><c:orientation "
             "val=\"minMax\"/></c:scaling><c:axPos val=\"t\"/><c:majorGridlines/>");
  if (c->axis_name) xb_rich(&b, c->axis_name);
  if (c->axis_format) {
    XB_LIT(&b, "<c:numFmt formatCode=\"");
    xb_attr(&b, c->axis_format);
    XB_LIT(&b, "\" sourceLinked=\"0\"/>");
  }
  XB_LIT(&b, "<c:tickLblPos val=\"nextTo\"/><c:crossAx val=\"50010001\"/><c:crosses val=\"autoZero\"/><c:crossBetween "
             "val=\"between\"/></c:valAx></c:plotArea><c:legend><c:legendPos val=\"b\"/><c:layout/></c:legend><c:plotVisOnly "
             "val=\"1\"/></c:chart><c:printSettings><c:headerFooter/><c:pageMargins b=\"0.75\" l=\"0.7\" r=\"0.7\" "
             "t=\"0.75\" header=\"0.3\" footer=\"0.3\"/><c:pageSetup/></c:printSettings></c:chartSpace>");
  char part[48];
  snprintf(part, sizeof part, "xl/charts/chart%u.xml", (unsigned)id);
  put_part(x, part, &b);
  if (x->rc) return;
  /* the sheet's drawing: an anchor, and its relationship to the chart */
  uint32_t rel = ++x->sheet_charts;
  if (rel == 1) {
    x->sheets[x->nsheets - 1].drawing = ++x->ndrawings;
    x->drawing.len = x->chart_rels.len = 0;
  }
  write_anchor(&x->drawing, c, rel, rel);
  XB_LIT(&x->chart_rels, "<Relationship Id=\"rId");
  xb_uint(&x->chart_rels, rel);
  XB_LIT(&x->chart_rels, "\" Type=\"" NS_REL "/chart\" Target=\"../charts/chart");
  xb_uint(&x->chart_rels, id);
  XB_LIT(&x->chart_rels, ".xml\"/>");
  if (x->drawing.oom || x->chart_rels.oom) oom(x);
}

/* ---- the end of a sheet ---------------------------------------------------------------------------- */

/* Excel's stored width of a column w characters wide: whole pixels of a
** 7-pixel digit with 5 pixels of padding, back in characters (1/256). */
static double stored_width(double w) {
  unsigned px = w < 1 ? (unsigned)(w * 12 + 0.5) : (unsigned)(w * 7 + 0.5) + 5;
  return (double)(int)((double)px / 7 * 256) / 256;
}

static void write_pane(xbuf *b, uint32_t rows, uint32_t cols) {
  if (!rows && !cols) return;
  const char *active = rows && cols ? "bottomRight" : rows ? "bottomLeft" : "topRight";
  XB_LIT(b, "<pane");
  if (cols) {
    XB_LIT(b, " xSplit=\"");
    xb_uint(b, cols);
    XB_LIT(b, "\"");
  }
  if (rows) {
    XB_LIT(b, " ySplit=\"");
    xb_uint(b, rows);
    XB_LIT(b, "\"");
  }
  XB_LIT(b, " topLeftCell=\"");
  xb_cell(b, rows, cols, 0);
  XB_LIT(b, "\" activePane=\"");
  xb_add(b, active);
  XB_LIT(b, "\" state=\"frozen\"/>");
  if (rows && cols) {
    XB_LIT(b, "<selection pane=\"topRight\" activeCell=\"");
    xb_cell(b, 0, cols, 0);
    XB_LIT(b, "\" sqref=\"");
    xb_cell(b, 0, cols, 0);
    XB_LIT(b, "\"/><selection pane=\"bottomLeft\" activeCell=\"");
    xb_cell(b, rows, 0, 0);
    XB_LIT(b, "\" sqref=\"");
    xb_cell(b, rows, 0, 0);
    XB_LIT(b, "\"/>");
  }
  XB_LIT(b, "<selection pane=\"");
  xb_add(b, active);
  XB_LIT(b, "\"/>");
}

/* The sheet's head: everything before <sheetData>, known only now. */
static void sheet_head(cs_xlsx *x, xbuf *h, uint32_t number) {
  XB_LIT(h, XML_HEAD "<worksheet xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><dimension ref=\"");
  if (x->any_cell) xb_range(h, 0, 0, x->max_row, x->max_col, 0);
  else XB_LIT(h, "A1");
  XB_LIT(h, "\"/><sheetViews><sheetView");
  if (number == 1) XB_LIT(h, " tabSelected=\"1\"");
  XB_LIT(h, " workbookViewId=\"0\"");
  if (x->freeze_rows || x->freeze_cols) {
    XB_LIT(h, ">");
    write_pane(h, x->freeze_rows, x->freeze_cols);
    XB_LIT(h, "</sheetView>");
  } else {
    XB_LIT(h, "/>");
  }
  XB_LIT(h, "</sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>");
  int any_width = 0;
  for (uint32_t c = 0; c < x->nwidth; c++) {
    if (x->width[c] < 0) continue;
    if (!any_width) XB_LIT(h, "<cols>");
    any_width = 1;
    XB_LIT(h, "<col min=\"");
    xb_uint(h, (uint64_t)c + 1);
    XB_LIT(h, "\" max=\"");
    xb_uint(h, (uint64_t)c + 1);
    XB_LIT(h, "\" width=\"");
    xb_num(h, stored_width(x->width[c]));
    XB_LIT(h, "\" customWidth=\"1\"/>");
  }
  if (any_width) XB_LIT(h, "</cols>");
}

/* The sheet's XML, whole: its head, its rows (x->data after HEAD_ROOM) and
** its tail. Mostly the rows' own buffer, taken from x->data: the head fits
** the room left before the rows, with spaces (white space between
** elements) up to <sheetData>, and nothing is copied. */
static xbuf sheet_xml(cs_xlsx *x, uint32_t number) {
  static const char open_data[] = "<sheetData>";
  const size_t open_len = sizeof open_data - 1;
  xbuf h = {0};
  sheet_head(x, &h, number);
  if (x->data.len <= HEAD_ROOM) { /* no rows */
    XB_LIT(&h, "<sheetData/>");
    return h;
  }
  if (x->data.oom) h.oom = 1;
  if (!h.oom && h.len + open_len <= HEAD_ROOM) {
    xbuf part = x->data;
    x->data = (xbuf){0};
    memcpy(part.s, h.s, h.len);
    memset(part.s + h.len, ' ', HEAD_ROOM - open_len - h.len);
    memcpy(part.s + HEAD_ROOM - open_len, open_data, open_len);
    xb_free(&h);
    XB_LIT(&part, "</sheetData>");
    return part;
  }
  xb_addn(&h, open_data, open_len); /* a head larger than the room: copied */
  xb_addn(&h, x->data.s + HEAD_ROOM, x->data.len - HEAD_ROOM);
  XB_LIT(&h, "</sheetData>");
  return h;
}

static void end_sheet(cs_xlsx *x) {
  x->open = 0;
  if (x->rc) return;
  if (x->in_table) {
    fail(x, CS_EINVAL, "sheet %s: its table was not ended", sheet_name_of(x));
    return;
  }
  uint32_t number = x->nsheets;
  sheet_rec *s = &x->sheets[number - 1];
  if (x->row >= 0) XB_LIT(&x->data, "</row>");
  xbuf h = sheet_xml(x, number);
  x->data.len = 0;
  XB_LIT(&h, "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>");
  uint32_t rid = 0;
  if (s->drawing) {
    XB_LIT(&h, "<drawing r:id=\"rId");
    xb_uint(&h, ++rid);
    XB_LIT(&h, "\"/>");
  }
  if (s->table) {
    XB_LIT(&h, "<tableParts count=\"1\"><tablePart r:id=\"rId");
    xb_uint(&h, ++rid);
    XB_LIT(&h, "\"/></tableParts>");
  }
  XB_LIT(&h, "</worksheet>");
  if (h.len > x->last_len) x->last_len = h.len;
  char part[64];
  snprintf(part, sizeof part, "xl/worksheets/sheet%u.xml", (unsigned)number);
  put_part(x, part, &h);
  if (!rid) return;
  /* its relationships, and its drawing's */
  xbuf r = {0};
  XB_LIT(&r, XML_HEAD "<Relationships xmlns=\"" NS_PKG_REL "\">");
  rid = 0;
  if (s->drawing) {
    XB_LIT(&r, "<Relationship Id=\"rId");
    xb_uint(&r, ++rid);
    XB_LIT(&r, "\" Type=\"" NS_REL "/drawing\" Target=\"../drawings/drawing");
    xb_uint(&r, s->drawing);
    XB_LIT(&r, ".xml\"/>");
  }
  if (s->table) {
    XB_LIT(&r, "<Relationship Id=\"rId");
    xb_uint(&r, ++rid);
    XB_LIT(&r, "\" Type=\"" NS_REL "/table\" Target=\"../tables/table");
    xb_uint(&r, s->table);
    XB_LIT(&r, ".xml\"/>");
  }
  XB_LIT(&r, "</Relationships>");
  snprintf(part, sizeof part, "xl/worksheets/_rels/sheet%u.xml.rels", (unsigned)number);
  put_part(x, part, &r);
  if (!s->drawing) return;
  xbuf d = {0};
  XB_LIT(&d, XML_HEAD "<xdr:wsDr xmlns:xdr=\"http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing\" "
                      "xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\">");
  xb_addn(&d, x->drawing.s, x->drawing.len);
  XB_LIT(&d, "</xdr:wsDr>");
  if (x->drawing.oom) d.oom = 1;
  snprintf(part, sizeof part, "xl/drawings/drawing%u.xml", (unsigned)s->drawing);
  put_part(x, part, &d);
  xbuf dr = {0};
  XB_LIT(&dr, XML_HEAD "<Relationships xmlns=\"" NS_PKG_REL "\">");
  xb_addn(&dr, x->chart_rels.s, x->chart_rels.len);
  XB_LIT(&dr, "</Relationships>");
  if (x->chart_rels.oom) dr.oom = 1;
  snprintf(part, sizeof part, "xl/drawings/_rels/drawing%u.xml.rels", (unsigned)s->drawing);
  put_part(x, part, &dr);
  x->drawing.len = x->chart_rels.len = 0;
}

/* ---- the workbook's own parts ------------------------------------------------------------------------ */

static void write_styles(cs_xlsx *x) {
  /* number formats: one id (164 ..) per distinct code; fonts: one per
  ** distinct bold and size, the default first */
  const char *codes[MAX_FORMATS];
  int ncodes = 0;
  struct {
    int bold;
    double size;
  } fonts[MAX_FORMATS] = {{0, 11}};
  int nfonts = 1;
  for (int i = 1; i < x->nfmt; i++) {
    format_rec *f = &x->fmt[i];
    f->numfmt_id = 0;
    if (f->style.num_format && strcmp(f->style.num_format, "General") != 0) {
      int k = 0;
      while (k < ncodes && strcmp(codes[k], f->style.num_format) != 0) k++;
      if (k == ncodes) codes[ncodes++] = f->style.num_format;
      f->numfmt_id = 164 + k;
    }
    double size = f->style.size > 0 ? f->style.size : 11;
    int k = 0;
    while (k < nfonts && !(fonts[k].bold == !!f->style.bold && fonts[k].size == size)) k++;
    if (k == nfonts) {
      fonts[k].bold = !!f->style.bold;
      fonts[k].size = size;
      nfonts++;
    }
    f->font_id = k;
  }
  xbuf b = {0};
  XB_LIT(&b, XML_HEAD "<styleSheet xmlns=\"" NS_MAIN "\">");
  if (ncodes) {
    XB_LIT(&b, "<numFmts count=\"");
    xb_uint(&b, (uint64_t)ncodes);
    XB_LIT(&b, "\">");
    for (int k = 0; k < ncodes; k++) {
      XB_LIT(&b, "<numFmt numFmtId=\"");
      xb_uint(&b, (uint64_t)(164 + k));
      XB_LIT(&b, "\" formatCode=\"");
      xb_attr(&b, codes[k]);
      XB_LIT(&b, "\"/>");
    }
    XB_LIT(&b, "</numFmts>");
  }
  XB_LIT(&b, "<fonts count=\"");
  xb_uint(&b, (uint64_t)nfonts);
  XB_LIT(&b, "\">");
  for (int k = 0; k < nfonts; k++) {
    XB_LIT(&b, "<font>");
    if (fonts[k].bold) XB_LIT(&b, "<b/>");
    XB_LIT(&b, "<sz val=\"");
    xb_num(&b, fonts[k].size);
    XB_LIT(&b, "\"/><name val=\"Calibri\"/><family val=\"2\"/><scheme val=\"minor\"/></font>");
  }
  XB_LIT(&b, "</fonts><fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill "
             "patternType=\"gray125\"/></fill></fills><borders count=\"1\"><border><left/><right/><top/><bottom/>"
             "<diagonal/></border></borders><cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" "
             "borderId=\"0\"/></cellStyleXfs><cellXfs count=\"");
  xb_uint(&b, (uint64_t)x->nfmt);
  XB_LIT(&b, "\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>");
  for (int i = 1; i < x->nfmt; i++) {
    const format_rec *f = &x->fmt[i];
    XB_LIT(&b, "<xf numFmtId=\"");
    xb_uint(&b, (uint64_t)f->numfmt_id);
    XB_LIT(&b, "\" fontId=\"");
    xb_uint(&b, (uint64_t)f->font_id);
    XB_LIT(&b, "\" fillId=\"0\" borderId=\"0\" xfId=\"0\"");
    if (f->numfmt_id) XB_LIT(&b, " applyNumberFormat=\"1\"");
    if (f->font_id) XB_LIT(&b, " applyFont=\"1\"");
    if (f->style.wrap_top) XB_LIT(&b, " applyAlignment=\"1\"><alignment vertical=\"top\" wrapText=\"1\"/></xf>");
    else XB_LIT(&b, "/>");
  }
  XB_LIT(&b, "</cellXfs><cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
             "<dxfs count=\"0\"/><tableStyles count=\"0\" defaultTableStyle=\"TableStyleMedium9\" "
             "defaultPivotStyle=\"PivotStyleLight16\"/></styleSheet>");
  put_part(x, "xl/styles.xml", &b);
}

static void write_workbook(cs_xlsx *x) {
  xbuf b = {0};
  XB_LIT(&b, XML_HEAD "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\"><fileVersion appName=\"xl\" "
                      "lastEdited=\"4\" lowestEdited=\"4\" rupBuild=\"4505\"/><workbookPr "
                      "defaultThemeVersion=\"124226\"/><bookViews><workbookView xWindow=\"240\" yWindow=\"15\" "
                      "windowWidth=\"16095\" windowHeight=\"9660\"/></bookViews><sheets>");
  for (uint32_t i = 0; i < x->nsheets; i++) {
    XB_LIT(&b, "<sheet name=\"");
    xb_attr(&b, x->sheets[i].name);
    XB_LIT(&b, "\" sheetId=\"");
    xb_uint(&b, (uint64_t)i + 1);
    XB_LIT(&b, "\" r:id=\"rId");
    xb_uint(&b, (uint64_t)i + 1);
    XB_LIT(&b, "\"/>");
  }
  XB_LIT(&b, "</sheets><calcPr calcId=\"124519\" fullCalcOnLoad=\"1\"/></workbook>");
  put_part(x, "xl/workbook.xml", &b);

  xbuf r = {0};
  XB_LIT(&r, XML_HEAD "<Relationships xmlns=\"" NS_PKG_REL "\">");
  uint32_t id = 0;
  for (uint32_t i = 0; i < x->nsheets; i++) {
    XB_LIT(&r, "<Relationship Id=\"rId");
    xb_uint(&r, ++id);
    XB_LIT(&r, "\" Type=\"" NS_REL "/worksheet\" Target=\"worksheets/sheet");
    xb_uint(&r, (uint64_t)i + 1);
    XB_LIT(&r, ".xml\"/>");
  }
  XB_LIT(&r, "<Relationship Id=\"rId");
  xb_uint(&r, ++id);
  XB_LIT(&r, "\" Type=\"" NS_REL "/styles\" Target=\"styles.xml\"/>");
  if (x->nsst) {
    XB_LIT(&r, "<Relationship Id=\"rId");
    xb_uint(&r, ++id);
    XB_LIT(&r, "\" Type=\"" NS_REL "/sharedStrings\" Target=\"sharedStrings.xml\"/>");
  }
  XB_LIT(&r, "</Relationships>");
  put_part(x, "xl/_rels/workbook.xml.rels", &r);
}

static void write_shared_strings(cs_xlsx *x) {
  if (!x->nsst) return;
  xbuf b = {0};
  XB_LIT(&b, XML_HEAD "<sst xmlns=\"" NS_MAIN "\" count=\"");
  xb_uint(&b, x->sst_count);
  XB_LIT(&b, "\" uniqueCount=\"");
  xb_uint(&b, x->nsst);
  XB_LIT(&b, "\">");
  xb_addn(&b, x->sst_xml.s, x->sst_xml.len);
  XB_LIT(&b, "</sst>");
  put_part(x, "xl/sharedStrings.xml", &b);
}

static void write_doc_props(cs_xlsx *x) {
  xbuf b = {0};
  XB_LIT(&b, XML_HEAD "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" "
                      "xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\"><Application>"
                      "Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
                      "<HeadingPairs><vt:vector size=\"2\" baseType=\"variant\"><vt:variant><vt:lpstr>Worksheets"
                      "</vt:lpstr></vt:variant><vt:variant><vt:i4>");
  xb_uint(&b, x->nsheets);
  XB_LIT(&b, "</vt:i4></vt:variant></vt:vector></HeadingPairs><TitlesOfParts><vt:vector size=\"");
  xb_uint(&b, x->nsheets);
  XB_LIT(&b, "\" baseType=\"lpstr\">");
  for (uint32_t i = 0; i < x->nsheets; i++) {
    XB_LIT(&b, "<vt:lpstr>");
    xb_plain(&b, x->sheets[i].name);
    XB_LIT(&b, "</vt:lpstr>");
  }
  XB_LIT(&b, "</vt:vector></TitlesOfParts><Company></Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false"
             "</SharedDoc><HyperlinksChanged>false</HyperlinksChanged><AppVersion>12.0000</AppVersion></Properties>");
  put_part(x, "docProps/app.xml", &b);

  char when[32];
  struct tm tm;
  if (!gmtime_r(&x->made, &tm) || !strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm))
    snprintf(when, sizeof when, "1970-01-01T00:00:00Z");
  xbuf c = {0};
  XB_LIT(&c, XML_HEAD "<cp:coreProperties "
                      "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
                      "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
                      "xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" "
                      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">");
  if (x->title) {
    XB_LIT(&c, "<dc:title>");
    xb_plain(&c, x->title);
    XB_LIT(&c, "</dc:title>");
  }
  XB_LIT(&c, "<dc:creator></dc:creator>");
  if (x->comments) {
    XB_LIT(&c, "<dc:description>");
    xb_plain(&c, x->comments);
    XB_LIT(&c, "</dc:description>");
  }
  XB_LIT(&c, "<cp:lastModifiedBy></cp:lastModifiedBy><dcterms:created xsi:type=\"dcterms:W3CDTF\">");
  xb_add(&c, when);
  XB_LIT(&c, "</dcterms:created><dcterms:modified xsi:type=\"dcterms:W3CDTF\">");
  xb_add(&c, when);
  XB_LIT(&c, "</dcterms:modified></cp:coreProperties>");
  put_part(x, "docProps/core.xml", &c);

  xbuf r = {0};
  XB_LIT(&r, XML_HEAD "<Relationships xmlns=\"" NS_PKG_REL "\"><Relationship Id=\"rId1\" Type=\"" NS_REL
                      "/officeDocument\" Target=\"xl/workbook.xml\"/><Relationship Id=\"rId2\" "
                      "Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" "
                      "Target=\"docProps/core.xml\"/><Relationship Id=\"rId3\" Type=\"" NS_REL
                      "/extended-properties\" Target=\"docProps/app.xml\"/></Relationships>");
  put_part(x, "_rels/.rels", &r);
}

static void override(xbuf *b, const char *kind, uint32_t i, const char *type) {
  XB_LIT(b, "<Override PartName=\"/");
  xb_add(b, kind);
  xb_uint(b, i);
  XB_LIT(b, ".xml\" ContentType=\"" CT_PREFIX);
  xb_add(b, type);
  XB_LIT(b, "\"/>");
}

static void write_content_types(cs_xlsx *x) {
  xbuf b = {0};
  XB_LIT(&b, XML_HEAD "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default "
                      "Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                      "<Default Extension=\"xml\" ContentType=\"application/xml\"/><Override "
                      "PartName=\"/docProps/app.xml\" ContentType=\"" CT_PREFIX "extended-properties+xml\"/><Override "
                      "PartName=\"/docProps/core.xml\" "
                      "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/><Override "
                      "PartName=\"/xl/styles.xml\" ContentType=\"" CT_PREFIX "spreadsheetml.styles+xml\"/><Override "
                      "PartName=\"/xl/workbook.xml\" ContentType=\"" CT_PREFIX "spreadsheetml.sheet.main+xml\"/>");
  for (uint32_t i = 1; i <= x->nsheets; i++) override(&b, "xl/worksheets/sheet", i, "spreadsheetml.worksheet+xml");
  for (uint32_t i = 1; i <= x->ncharts; i++) override(&b, "xl/charts/chart", i, "drawingml.chart+xml");
  for (uint32_t i = 1; i <= x->ndrawings; i++) override(&b, "xl/drawings/drawing", i, "drawing+xml");
  for (uint32_t i = 1; i <= x->ntables; i++) override(&b, "xl/tables/table", i, "spreadsheetml.table+xml");
  if (x->nsst)
    XB_LIT(&b, "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"" CT_PREFIX
               "spreadsheetml.sharedStrings+xml\"/>");
  XB_LIT(&b, "</Types>");
  put_part(x, "[Content_Types].xml", &b);
}

/* ---- closing ------------------------------------------------------------------------------------------ */

static void free_all(cs_xlsx *x) {
  free_table(x);
  for (int i = 1; i < x->nfmt; i++) free((void *)x->fmt[i].style.num_format);
  for (uint32_t i = 0; i < x->nsheets; i++) free(x->sheets[i].name);
  free(x->sheets);
  free(x->sst);
  free(x->slots);
  xb_free(&x->sst_xml);
  xb_free(&x->sst_text);
  xb_free(&x->data);
  xb_free(&x->drawing);
  xb_free(&x->chart_rels);
  free(x->width);
  free(x->shown);
  free(x->title);
  free(x->comments);
  free(x);
}

int cs_xlsx_close(cs_xlsx *x, cs_error *err) {
  if (!x) return cs_error_set(err, CS_EINVAL, "no workbook to close");
  if (!x->rc && x->open) end_sheet(x);
  if (!x->rc && !x->nsheets) fail(x, CS_EINVAL, "a workbook needs a sheet");
  if (!x->rc) write_shared_strings(x);
  if (!x->rc) write_styles(x);
  if (!x->rc) write_workbook(x);
  if (!x->rc) write_doc_props(x);
  if (!x->rc) write_content_types(x);
  if (x->rc) {
    cs_zip_abandon(x->zip);
  } else {
    cs_error e = {0};
    if (cs_zip_close(x->zip, &e)) {
      x->rc = e.code ? e.code : CS_EIO;
      x->err = e;
      x->err.code = x->rc;
    }
  }
  int rc = x->rc;
  if (rc && err) *err = x->err;
  free_all(x);
  return rc;
}

void cs_xlsx_abandon(cs_xlsx *x) {
  if (!x) return;
  cs_zip_abandon(x->zip);
  free_all(x);
}
