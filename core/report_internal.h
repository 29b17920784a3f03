#ifndef COOPSIM_REPORT_INTERNAL_H
#define COOPSIM_REPORT_INTERNAL_H
/*
** What the report writers (report_*.c) share: a growable text buffer, the
** language (labels, number formats), display widths, a grid of cells that
** renders as a terminal table or Markdown, and the comparison of runs.
*/
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include "coopsim/report.h"

/* ---- text buffer (report_strbuf.c) ---------------------------------------- */

/* Text that grows; after an allocation failure `oom` is set and further
** appends do nothing, so writers check once at the end.
** With a sink, a writer that reaches a point where nothing it wrote is
** looked at again (the end of a CSV line, a JSON row) calls cs_sb_spill,
** which hands what there is to the sink once it holds CS_SB_SPILL bytes
** and starts over: a report written to a file is not held whole. A sink
** that fails (returns non-zero) sets `oom` and `sink_failed`.
** A buffer with a sink is made once, CS_SB_SPILL and a quarter (320 KB;
** cs_sb_sink_start), instead of doubled up to it: each doubling copies
** into new pages, and a page's first touch costs some 10 us here. */
typedef struct cs_sb {
  char *s;
  size_t len, cap;
  int oom;
  int sink_failed;
  int (*sink)(void *ud, const char *s, size_t n);
  void *sink_ud;
} cs_sb;

#define CS_SB_SPILL ((size_t)256 << 10)

/* Makes b, an empty buffer, one that hands its text to sink(ud, ...) (see
** above); its room is allocated here. No error: out of memory, `oom` is
** set. */
void cs_sb_sink_start(cs_sb *b, int (*sink)(void *ud, const char *s, size_t n), void *ud);

/* Hands the text to the sink (if any) and empties the buffer. */
void cs_sb_spill_now(cs_sb *b);
static inline void cs_sb_spill(cs_sb *b) {
  if (b->sink && b->len >= CS_SB_SPILL) cs_sb_spill_now(b);
}

/* Appends the n bytes at s (the buffer stays NUL-terminated); the common
** case, room to spare, inline: a national report appends millions of cells. */
void cs_sb_addn_grow(cs_sb *b, const char *s, size_t n);
static inline void cs_sb_addn(cs_sb *b, const char *s, size_t n) {
  if (b->cap - b->len > n) {
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
  } else {
    cs_sb_addn_grow(b, s, n);
  }
}
static inline void cs_sb_add(cs_sb *b, const char *s) { cs_sb_addn(b, s, strlen(s)); }
void cs_sb_printf(cs_sb *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Appends v in decimal ("-1234"), as "%" PRId64 would. */
void cs_sb_int(cs_sb *b, int64_t v);
/* Appends n copies of s. */
void cs_sb_repeat(cs_sb *b, const char *s, size_t n);
/* A copy of the buffer's text that the caller owns (NULL if out of memory);
** the buffer is emptied. */
char *cs_sb_take(cs_sb *b, size_t *len);
void cs_sb_free(cs_sb *b);

/* ---- where a report goes (report.c) ---------------------------------------- */

/* A report's text handed to a stream (f) or a file descriptor (fd, f NULL),
** and why a write failed. */
typedef struct cs_sink_job {
  FILE *f;
  int fd;
  int errno_;
  size_t unsynced; /* bytes written to fd since write-back was last started */
} cs_sink_job;

/* The sink (cs_sb_sink_start) writing to ud's fd (a cs_sink_job), starting
** the kernel's write-back every 8 MB; 0, or -1 with errno_ set. */
int cs_sink_fd(void *ud, const char *s, size_t n);

/* 1 when a report may not take this file name: a run store's, or one of
** the files SQLite keeps beside a database. */
int cs_report_store_name(const char *name);

/* ---- sections made by two threads (report_sections.c) ---------------------- */

/* Appends section k of a report to out, a buffer that may have a sink
** (cs_sb_spill is welcome). Called on two threads at once for different
** sections: it only reads what ud points to. */
typedef void cs_section_fn(void *ud, size_t k, cs_sb *out);

typedef struct cs_chunk cs_chunk;
typedef struct cs_section_slot cs_section_slot;

/* Sections 0 .. n-1 of a report, made by the caller's thread and a helper
** (report_sections.c tells how). The fields are report_sections.c's. */
typedef struct cs_sections {
  size_t n;
  cs_section_fn *render;
  void *ud;
  size_t max_buffered;
  cs_section_slot *slot;
  cs_chunk *spare;
  size_t next, written, buffered;
  size_t ahead, peak_ahead; /* bytes of sections after the next to be written (the tests read the peaks) */
  size_t peak_buffered;
  int stop, threaded;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
} cs_sections;

/* Starts a helper thread making sections of the report (render(ud, k, b))
** from section 0 on, while the caller writes what comes before them. Made
** text waits to be written in chunks: more than max_buffered bytes of them
** and neither thread makes more but the section to be written next, of
** which at most max_buffered bytes wait, so that at most twice max_buffered
** and a few chunks (some 260 KB each) wait in all. No error: with helper 0,
** fewer than two sections, a limit on the process's memory (RLIMIT_AS,
** RLIMIT_DATA) less than 1 GiB above its address space, or no thread or
** memory for it, no helper is started and
** cs_sections_finish makes every section. */
void cs_sections_start(cs_sections *s, size_t n, cs_section_fn *render, void *ud, size_t max_buffered, int helper);

/* Appends sections 0 .. n-1 to out in order, making those the helper has
** not taken, waits for the helper and frees what cs_sections_start made.
** The text is that of render(ud, 0, out) ... render(ud, n - 1, out) byte for
** byte. A section whose chunks ran out of memory is made again by the
** caller's thread, straight into out; one that runs out of memory there,
** or a sink that fails, sets out->oom (and out->sink_failed for the sink),
** and no further section is written. */
void cs_sections_finish(cs_sections *s, cs_sb *out);

/* ---- the document as JSON (doc_json.c) ------------------------------------ */

/* Appends the document's JSON text (cs_doc_to_json) to out, spilling (with
** a sink) after each row. 0, CS_ENOMEM, or CS_EINVAL for a text that is not
** UTF-8. */
int cs_doc_json_sb(const cs_doc *doc, cs_sb *out);

/* cs_doc_json_sb in three parts, for a document written as its runs arrive
** (cs_report_json_start): the head up to the runs' array, run i (0, 1, ...
** in order), and the rest once nruns runs were written. The same bytes as
** cs_doc_json_sb, which is made of them. Each: 0, or CS_EINVAL for a text
** that is not UTF-8 (out of memory: out->oom). */
int cs_doc_json_head(cs_sb *out, const char *coopsim_version);
int cs_doc_json_run(cs_sb *out, const cs_doc_run *run, size_t i);
int cs_doc_json_tail(cs_sb *out, const char *scenario_file, size_t nruns);

/* ---- CSV cells (report_text.c) --------------------------------------------- */

/* Appends a CSV cell: quoted (quotes doubled) when it holds sep, '"' or a
** line break. */
void cs_csv_cell(cs_sb *out, const char *v, char sep);

/* A text cell (a name): one that begins like a formula (= + - @) gets a
** leading apostrophe, so that a spreadsheet shows it instead of running it
** (CSV injection: a scenario file from someone else names things). */
void cs_csv_text_cell(cs_sb *out, const char *v, char sep);

/* ---- language (report_lang.c) --------------------------------------------- */

/* The label for the English text `en` in lang; `en` itself when there is no
** translation (and always in English). */
const char *cs_rl_text(cs_report_lang lang, const char *en);

/* Appends a run's options line (doc.h) in lang: as it is in English; in
** bokmål each setting coopsim writes in words ("avrunding: største rest;
** innbyggertall: 1. januar året før; ..."), one it does not know as written. */
void cs_rl_options(cs_report_lang lang, const char *options, cs_sb *out);

/* A year's key description in lang: the bokmål one when the document has it
** (one from the worker), else the English one. */
const char *cs_rl_key(cs_report_lang lang, const cs_doc_year *y);

/* Appends the heading of the part named `name` in lang. Part names are
** those of SPEC 7.2: a key's name ("equal", "population", "base", "rate",
** "fixed", "weights", "custom", "band", "cap", "by:COLUMN"), "#2", "#3" after
** a repeat, "SERVICE/" before it with services; each piece is translated
** ("by:timer#2" -> "etter timer #2"), what is not known is kept as written. */
void cs_rl_part(cs_report_lang lang, const char *name, cs_sb *out);

/* The heading of a part (cs_rl_part) as a new string the caller frees; NULL
** when out of memory. */
char *cs_rl_part_dup(cs_report_lang lang, const char *name);

/* The CSV column of a part: "part_" and the name as the document has it
** (en: "part_equal", "part_by:timer"); nb: "del_" and the bokmål heading with
** '_' for spaces ("del_likt", "del_etter_innbyggertall"). A new string the
** caller frees; NULL when out of memory. */
char *cs_rl_part_column(cs_report_lang lang, const char *name);

/* A population's source as the reader should see it: "ssb" -> "SSB",
** "predecessors", "proxy", "override" in lang; unknown text unchanged. */
const char *cs_rl_population_source(cs_report_lang lang, const char *source);

/* The thousands separator: en ","; nb a space, a no-break space (U+00A0)
** when `nbsp` (HTML, so that a figure never breaks across lines). */
const char *cs_rl_group(cs_report_lang lang, int nbsp);

/* The decimal mark: "." or ",". */
const char *cs_rl_decimal(cs_report_lang lang);

/* v with thousands separators: "1,234,567" / "1 234 567" (cs_fmt_grouped).
** Returns buf (at least 48 bytes; a smaller one is cut as snprintf cuts). */
char *cs_rl_int(int64_t v, cs_report_lang lang, int nbsp, char *buf, size_t size);

/* Decimal text ("1234567.50") grouped with the language's marks; a whole
** amount loses its ".00". Text that is not a decimal is copied unchanged. */
char *cs_rl_money(const char *text, cs_report_lang lang, int nbsp, char *buf, size_t size);

/* The change from a to b in per cent with one decimal and a sign, "+12.5 %"
** / "+12,5 %" (printf's "%+.1f %%", written by cs_fmt_fixed); "" when a is
** 0. Returns buf; CS_FMT_FIXED_SIZE + 3 bytes hold any, a smaller buf is
** cut as snprintf cuts. */
char *cs_rl_percent(int64_t a, int64_t b, cs_report_lang lang, char *buf, size_t size);

/* A copy of text with every '.' between two digits made ',' (decimal comma). */
void cs_rl_decimal_comma(const char *text, char *buf, size_t size);

/* Display width of UTF-8 text: its code points (every Norwegian letter is
** one column wide; bytes 0x80..0xBF continue a character). */
size_t cs_rl_width(const char *s);

/* ---- grid of cells (report_grid.c) ---------------------------------------- */

typedef struct cs_grid {
  size_t ncols;
  char **cells; /* nrows x ncols; a row of NULLs is a rule */
  size_t nrows, cap;
  unsigned char *right; /* per column: right-aligned (numbers) */
  int oom;
} cs_grid;

/* A grid with ncols columns; the header is row 0. */
int cs_grid_init(cs_grid *g, size_t ncols);
/* Starts a row; cells are then set with cs_grid_set (absent ones are ""). */
void cs_grid_row(cs_grid *g);
/* A horizontal rule (terminal tables only). */
void cs_grid_rule(cs_grid *g);
/* Sets column col of the last row (a copy of text). */
void cs_grid_set(cs_grid *g, size_t col, const char *text);
/* Aligned columns, two spaces apart, a rule under the header, no trailing blanks. */
void cs_grid_table(const cs_grid *g, cs_sb *out);
/* A Markdown table ('|' in cells escaped), numbers right-aligned. */
void cs_grid_markdown(const cs_grid *g, cs_sb *out);
void cs_grid_free(cs_grid *g);

/* ---- comparison (report_compare.c) ---------------------------------------- */

typedef enum { CS_CMP_PRESENT, CS_CMP_WITHDRAWN, CS_CMP_NOT_MEMBER } cs_cmp_status;

/* What a comparison sets side by side (SPEC 7.3: where a run has
** settlements, the invoice as well as the share). */
typedef enum {
  CS_CMP_SHARE,  /* each row's share (total); a settlement-only row has none */
  CS_CMP_INVOICE /* what each row is invoiced: share + settlement (a row without
                 ** the money cycle: its share), settlement-only rows too */
} cs_cmp_field;

typedef struct cs_cmp_line {
  const char *cooperation; /* borrowed from the document */
  int year;
  const char *code, *name;
  int64_t *share;          /* per run: the figure compared (the comparison's field);
                           ** meaningful when status is PRESENT */
  cs_cmp_status *status;   /* per run */
  const char **merged;     /* per run: the row's `merged` (a merger's predecessors), or NULL */
} cs_cmp_line;

/* Every (cooperation, year, member) of any run that has the field, ordered
** by cooperation, year, code; a member absent from a run is "withdrawn" when
** that run had it in an earlier year of the cooperation, else "not a
** member". The lines of one cooperation and year follow each other (a
** "block"). */
typedef struct cs_cmp {
  cs_cmp_field field;
  size_t nruns;
  cs_cmp_line *lines;
  size_t nlines;
  /* the lines' per-run arrays, nruns each, in one block per kind */
  int64_t *shares;
  cs_cmp_status *statuses;
  const char **mergeds;
} cs_cmp;

/* CS_ENOMEM on failure. The comparison borrows the document's strings. */
int cs_cmp_build(const cs_doc *doc, cs_cmp_field field, cs_cmp **out, cs_error *err);
void cs_cmp_free(cs_cmp *c);

/* Appends why the member of line i is not in run r, in lang: "merged into
** NAME" when a line of its block (same cooperation and year) is a merger in
** run r that lists the member's code among its predecessors (a
** hypothetical merger), else "withdrawn" or "not a member" by its status. */
void cs_cmp_absent(const cs_cmp *c, size_t i, size_t r, cs_report_lang lang, cs_sb *out);

/* The end of the block of lines that starts at line i: the first line after
** it of another cooperation or year (or nlines). */
size_t cs_cmp_block_end(const cs_cmp *c, size_t i);

/* The part names of the rows of runs[0 .. nruns) in `cooperation` (NULL:
** every cooperation), in order of first appearance: a new array of strings
** borrowed from the document, which the caller frees; *n is its length.
** NULL with *n = 0 when there are none, or when out of memory (then *oom is
** set). */
const char **cs_report_part_names(const cs_doc_run *runs, size_t nruns, const char *cooperation, size_t *n,
                                  int *oom);

/* The services of the rows of runs[0 .. nruns) in `cooperation` (NULL:
** every cooperation), in order of first appearance, as
** cs_report_part_names gives its names. */
const char **cs_report_service_names(const cs_doc_run *runs, size_t nruns, const char *cooperation, size_t *n,
                                     int *oom);

/* A row's share of the service named `name` (doc.h services), and whether
** it has one. */
int cs_report_row_service(const cs_doc_row *row, const char *name, int64_t *out);

/* The rounded part named `name` of a row, and whether it has one. */
int cs_report_row_part(const cs_doc_row *row, const char *name, int64_t *out);

/* The row's rounding: its total less the sum of its parts each rounded on
** its own (SPEC 7.5), so that the rounded parts and the rounding add up to
** the total (Brønnøy 2023: 8 712 + 60 760 + 1 = 69 473). A row without
** parts has its whole total as rounding. */
int64_t cs_report_row_rounding(const cs_doc_row *row);

/* Appends the year's note in lang: the months of an agreement that covers
** part of the year, a year past the agreement's end, and a balance of øre
** that comes from shares in whole kroner ("0,44 kr: andelene er hele
** kroner"); several joined by "; ". Nothing when there is nothing to say. */
void cs_report_year_note(const cs_doc_year *y, cs_report_lang lang, int nbsp, cs_sb *out);

/* The cooperations of runs[0 .. nruns) (rows and years) in order of first
** appearance, as cs_report_part_names gives its names. */
const char **cs_report_cooperations(const cs_doc_run *runs, size_t nruns, size_t *n, int *oom);

/* The runs one cooperation's part of a report shows: indices into
** doc->runs in document order, the first its baseline. */
typedef struct cs_run_set {
  size_t *idx;
  size_t n;
} cs_run_set;

/* The runs that have rows or years of `cooperation` (a document may hold
** runs of different cooperations). 0, or CS_ENOMEM; free set->idx. */
int cs_report_runs_of(const cs_doc *doc, const char *cooperation, cs_run_set *set);

/* ---- the money cycle (report_money.c) ------------------------------------------ */

/* What the rows and years of runs[0 .. nruns) in `cooperation` (NULL: every
** cooperation) carry beyond a budget: the columns a report adds for them.
** A document without any of these gives 0, and its reports are what they
** were before the money cycle, byte for byte. */
enum {
  CS_RF_MONEY = 1,       /* a row has the money cycle: settlement and invoice */
  CS_RF_DIFFERENCE = 2,  /* a row has a difference (its year has accounts) */
  CS_RF_SETTLEMENTS = 4, /* a row carries a settlement (not 0, or a settlement-only row) */
  CS_RF_ACCOUNTS = 8,    /* a year has accounts (actual cost, grants, net) */
  CS_RF_SERVICES = 16    /* a row has shares by service */
};
unsigned cs_report_features(const cs_doc_run *runs, size_t nruns, const char *cooperation);

/* cs_report_features of the set's runs (report_internal.h cs_run_set). */
unsigned cs_report_set_features(const cs_doc *doc, const cs_run_set *set, const char *cooperation);

/* 1 for a row without a share: a member gone, invoiced only its settlement. */
int cs_report_no_share(const cs_doc_row *row);

/* One line of the invoice list: a share (of a service) or a settlement on
** an invoice of a member in a year. Strings are borrowed from the document. */
typedef struct cs_inv_line {
  const cs_doc_run *run;
  const cs_doc_row *row;
  const char *due;     /* "YYYY-MM-DD", or NULL when the row has no date */
  int settlement;      /* 1: the settlement of the year `settles` */
  const char *service; /* or NULL */
  int instalment;      /* 1.., or 0 when not an instalment */
  int settles;         /* a settlement's year, else 0 */
  int64_t amount;      /* whole kroner */
} cs_inv_line;

/* The invoice list of a document: per run, cooperation, member (by code)
** and year, every invoice in order of due date and its lines. A row with
** the money cycle gives its invoices' lines; a row without it (or one
** whose invoices are not listed) one invoice: its share (a line per
** service when it has services) and its settlement, due on the row's due
** date. The host is not invoiced, and no line of 0 kr is listed. *out is
** a new array the caller frees (NULL when there are no lines). 0 or
** CS_ENOMEM. */
int cs_report_invoice_lines(const cs_doc *doc, cs_inv_line **out, size_t *n);

/* The invoice list as CSV: ',' and decimal point, or (nb) ';', decimal
** comma and a BOM. */
int cs_report_invoices_csv(const cs_doc *doc, cs_report_lang lang, int nb, cs_sb *out);

/* The invoice list as a workbook written to fd (report_xlsx.c): one sheet,
** one Excel table with a filter and a total row; messages name `shown`. */
int cs_report_invoices_xlsx(const cs_doc *doc, cs_report_lang lang, int fd, const char *shown, cs_error *err);

/* ---- HTML pieces (report_html.c, report_svg.c) ------------------------------- */

/* Appends text escaped for HTML and SVG (& < > " '; control characters
** other than tab and newline become U+FFFD). */
void cs_html_esc(cs_sb *out, const char *s);

/* The colour of run r in charts and legends ("#0072B2", ...). */
const char *cs_report_colour(size_t run);

/* Appends kroner with no-break spaces and a real minus sign ("−16 346");
** `plus` writes "+" before a positive amount (a change). */
void cs_report_kr(int64_t v, int plus, cs_report_lang lang, cs_sb *out);

/* Widens [*lo, *hi] to the values cs_svg_member_chart would draw for the
** block [from, to), so that the charts of several years share one scale. */
void cs_svg_member_range(const cs_cmp *cmp, const cs_run_set *set, size_t from, size_t to, int diff, double *lo,
                         double *hi);

/* An SVG chart of the block of comparison lines [from, to) (one
** cooperation, one year) on the scale [lo, hi] kroner (0 always in it): per
** member a bar per run of the set (diff 0: its share) or per variant (diff 1:
** the change from the set's baseline), each with its figure written beside
** it; a member absent from a run, joining in it or merged is marked in words
** (merged: "*" after the name). */
void cs_svg_member_chart(const cs_doc *doc, const cs_cmp *cmp, const cs_run_set *set, size_t from, size_t to,
                         int diff, double lo, double hi, cs_report_lang lang, cs_sb *out);

/* An SVG chart of the cooperation's sum of shares per year in every run of
** the set. */
void cs_svg_totals_chart(const cs_doc *doc, const cs_cmp *cmp, const cs_run_set *set, const char *coop,
                         cs_report_lang lang, cs_sb *out);

/* ---- writers --------------------------------------------------------------- */

int cs_report_table(const cs_doc *doc, cs_report_lang lang, cs_sb *out, cs_error *err);
int cs_report_csv(const cs_doc *doc, cs_report_lang lang, int nb, cs_sb *out);
/* cs_report_csv, its runs' rows made by two threads (cs_sections, a run a
** section) when the document has thread_rows rows, with cs_sections' bound
** max_buffered: the same text (the tests compare). */
#define CS_CSV_THREAD_ROWS 2000
#define CS_CSV_MAX_BUFFERED ((size_t)4 << 20)
int cs_report_csv_with(const cs_doc *doc, cs_report_lang lang, int nb, cs_sb *out, size_t thread_rows,
                       size_t max_buffered);
int cs_report_markdown(const cs_doc *doc, cs_report_lang lang, cs_sb *out, cs_error *err);
int cs_report_html(const cs_doc *doc, cs_report_lang lang, cs_sb *out, cs_error *err);
/* cs_report_html, its details made by two threads (cs_sections) when the
** document has at least two cooperations and thread_rows rows, with
** cs_sections' bound max_buffered: the same text (the tests compare). */
#define CS_HTML_THREAD_ROWS 2000
#define CS_HTML_MAX_BUFFERED ((size_t)8 << 20)
int cs_report_html_with(const cs_doc *doc, cs_report_lang lang, cs_sb *out, cs_error *err, size_t thread_rows,
                        size_t max_buffered);
/* Writes the workbook to fd from its current offset (the temporary file,
** which report.c puts in place; fd stays the caller's); messages name
** `shown`, the file the user asked for. */
int cs_report_xlsx(const cs_doc *doc, cs_report_lang lang, int fd, const char *shown, cs_error *err);

#endif
