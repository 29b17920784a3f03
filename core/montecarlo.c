/*
** montecarlo.c: the Monte Carlo hot loop (montecarlo.h).
*/
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/montecarlo.h"
#include "coopsim/thread.h"

/* splitmix64's finaliser as a hash of the counter: independent streams for
** every (seed, draw, stream) without state. */
static uint64_t mix(uint64_t z) {
  z += 0x9e3779b97f4a7c15u;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

/* The draw's key: every stream of the draw hashes from it. */
static uint64_t draw_key(uint64_t seed, uint64_t draw) { return mix(seed ^ mix(draw)); }

static double uniform(uint64_t key, uint64_t stream) {
  uint64_t h = mix(key + stream);
  return ((double)(h >> 11) + 0.5) * (1.0 / 9007199254740992.0); /* (0, 1) */
}

/* Standard normals by the inverse of the normal distribution function,
** tabulated at 4096 equal steps of probability and interpolated linearly
** between them (the error in the drawn distribution is far below what
** 100 000 draws can see); in the outer 1/4096 of each tail the inverse is
** solved exactly. One hash and a table look-up a draw: the hot loop's cost
** is the arithmetic of the shares, not the random numbers. */
#define QSTEPS 4096
static double qtable[QSTEPS + 1];
static pthread_once_t qonce = PTHREAD_ONCE_INIT;

static double norm_cdf(double x) { return 0.5 * erfc(-x / 1.4142135623730951); }

/* The lower tail's inverse by Newton's method from the table's edge
** (Phi is convex there, so the steps close in from the right and never
** pass the root), then bisection should it not have settled. */
static double inverse_lower(double u) {
  double x = -3.0;
  for (int i = 0; i < 60; i++) {
    double pdf = 0.3989422804014327 * exp(-0.5 * x * x);
    if (pdf <= 0) break;
    double step = (norm_cdf(x) - u) / pdf;
    x -= step;
    if (fabs(step) < 1e-13 * (1 + fabs(x))) return x;
  }
  double lo = -40, hi = 0;
  for (int i = 0; i < 200 && hi - lo > 1e-13; i++) {
    double mid = 0.5 * (lo + hi);
    if (norm_cdf(mid) < u) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/* The inverse of the normal distribution function, for the tails (and the
** table). 1 - u is exact for the generator's u (multiples of 2^-53). */
static double inverse_exact(double u) {
  return u <= 0.5 ? inverse_lower(u) : -inverse_lower(1.0 - u);
}

static void build_qtable(void) {
  for (int k = 1; k < QSTEPS; k++) qtable[k] = inverse_exact((double)k / QSTEPS);
  qtable[0] = qtable[1];       /* unused: the tails are solved exactly */
  qtable[QSTEPS] = qtable[QSTEPS - 1];
}

static double normal_from(double u) {
  double x = u * QSTEPS;
  int k = (int)x;
  if (k < 1 || k >= QSTEPS - 1) return inverse_exact(u);
  double f = x - k;
  return qtable[k] + f * (qtable[k + 1] - qtable[k]);
}

static double normal(uint64_t key, uint64_t stream) { return normal_from(uniform(key, stream)); }

const double *cs_mc_quantiles(size_t *n) {
  pthread_once(&qonce, build_qtable);
  *n = QSTEPS + 1;
  return qtable;
}

double cs_mc_normal(uint64_t seed, uint64_t draw, uint64_t stream) {
  pthread_once(&qonce, build_qtable);
  return normal(draw_key(seed, draw), stream);
}

typedef struct job {
  const cs_mc_model *m;
  const cs_mc_options *o;
  long from, to;   /* draws */
  float *samples;  /* [cell][draw] */
  double *sums;    /* [cell] */
  long *counts;    /* [cell] */
  long done;
  size_t cells;
} job;

/* A year's key as four numbers per member, made once before the draws:
** member k pays dc[k] + dr[k] * pop[k] (base, fixed and per-inhabitant
** amounts, times its share of the year) plus, of what is left to share,
** rest * (a[k] + b[k] * pop[k] / sum of pop * year share) (the equal and
** weights pools, whose totals do not change with the draw, and the
** population pools, whose total does). Two passes over the members a draw
** instead of two per key component. */
typedef struct year_coef {
  double *dc, *dr, *a, *b;
  int has_pop_pool;
  int has_band; /* a fee by population band: added per draw (not linear) */
} year_coef;

/* The fee of the bands for population p. */
static double band_fee(const cs_mc_band *b, size_t n, double p) {
  size_t k = 0;
  while (k + 1 < n && !(b[k].upto >= 0 && p <= b[k].upto)) k++;
  return b[k].amount + b[k].rate * p;
}

/* Where member k ends between its limits: clamp(x, lo, hi) (a limit < 0 is
** none). */
static double clamp_to(double x, double lo, double hi) {
  if (hi >= 0 && x > hi) x = hi;
  if (lo >= 0 && x < lo) x = lo;
  return x;
}

/* Caps and floors of a covering key in doubles (cap.h in exact numbers):
** out[k] = clamp(lambda * u[k], min, max) with the lambda >= 0 that makes
** them sum to A; every member at its maximum (the rest a deficit) or at its
** minimum (a surplus) when no lambda does. A fixed-point walk from A / sum
** of u (usually a few steps), bisection should it not settle. */
static void cap_cover(double A, const double *u, const double *lo, const double *hi, size_t n,
                      double *out) {
  double s0 = 0, sinf = 0, su = 0;
  int unbounded = 0;
  for (size_t k = 0; k < n; k++) {
    s0 += clamp_to(0, lo[k], hi[k]);
    su += u[k];
    if (u[k] > 0 && hi[k] < 0) unbounded = 1;
    else sinf += u[k] > 0 ? clamp_to(hi[k], lo[k], hi[k]) : clamp_to(0, lo[k], hi[k]);
  }
  if (s0 >= A || su <= 0) { /* the minima alone reach A: each at its minimum */
    for (size_t k = 0; k < n; k++) out[k] = clamp_to(0, lo[k], hi[k]);
    return;
  }
  if (!unbounded && sinf <= A) { /* every member at its maximum */
    for (size_t k = 0; k < n; k++) out[k] = u[k] > 0 ? hi[k] : clamp_to(0, lo[k], hi[k]);
    return;
  }
  double lambda = A / su;
  for (size_t it = 0; it < 2 * n + 2; it++) {
    double c = 0, free_u = 0;
    for (size_t k = 0; k < n; k++) {
      double v = lambda * u[k];
      if (hi[k] >= 0 && v > hi[k]) c += hi[k];
      else if (lo[k] >= 0 && v < lo[k]) c += lo[k];
      else free_u += u[k];
    }
    if (free_u <= 0) break;
    double next = (A - c) / free_u;
    if (next == lambda) {
      for (size_t k = 0; k < n; k++) out[k] = clamp_to(lambda * u[k], lo[k], hi[k]);
      return;
    }
    lambda = next < 0 ? 0 : next;
  }
  /* bisection: S(lambda) is non-decreasing */
  double a = 0, b = A / su;
  for (int it = 0; it < 200; it++) {
    double s = 0;
    for (size_t k = 0; k < n; k++) s += clamp_to(b * u[k], lo[k], hi[k]);
    if (s >= A) break;
    b *= 2;
  }
  for (int it = 0; it < 100; it++) {
    double mid = 0.5 * (a + b), s = 0;
    for (size_t k = 0; k < n; k++) s += clamp_to(mid * u[k], lo[k], hi[k]);
    if (s < A) a = mid;
    else b = mid;
  }
  for (size_t k = 0; k < n; k++) out[k] = clamp_to(b * u[k], lo[k], hi[k]);
}

static int make_coefs(const cs_mc_model *m, year_coef *yc, double *room) {
  for (size_t yi = 0; yi < m->nyears; yi++) {
    const cs_mc_year *y = &m->years[yi];
    year_coef *c = &yc[yi];
    c->dc = room, room += y->n;
    c->dr = room, room += y->n;
    c->a = room, room += y->n;
    c->b = room, room += y->n;
    c->has_pop_pool = 0;
    c->has_band = 0;
    for (size_t k = 0; k < y->n; k++) c->dc[k] = c->dr[k] = c->a[k] = c->b[k] = 0;
    for (size_t ci = 0; ci < y->ncomp; ci++) {
      const cs_mc_component *comp = &y->comp[ci];
      double total = 0;
      if (comp->kind == CS_MC_BAND) {
        c->has_band = 1;
        continue;
      }
      if (comp->kind == CS_MC_EQUAL || comp->kind == CS_MC_WEIGHTS) {
        for (size_t k = 0; k < y->n; k++)
          total += (comp->kind == CS_MC_EQUAL ? 1.0 : comp->by_member[y->member[k]]) * y->year_share[k];
        if (total <= 0) continue; /* nobody to share with: as before, the pool is not shared */
      }
      for (size_t k = 0; k < y->n; k++) {
        double ys = y->year_share[k];
        switch (comp->kind) {
        case CS_MC_BASE: c->dc[k] += comp->amount * ys; break;
        case CS_MC_RATE: c->dr[k] += comp->amount * ys; break;
        case CS_MC_FIXED: c->dc[k] += comp->by_member[y->member[k]] * ys; break;
        case CS_MC_EQUAL: c->a[k] += comp->amount * ys / total; break;
        case CS_MC_WEIGHTS: c->a[k] += comp->amount * comp->by_member[y->member[k]] * ys / total; break;
        default: c->b[k] += comp->amount * ys; c->has_pop_pool = 1;
        }
      }
    }
  }
  return 0;
}

static void *worker(void *arg) {
  job *j = arg;
  const cs_mc_model *m = j->m;
  const cs_mc_options *o = j->o;
  size_t M = m->nmembers, maxn = 0, all = 0;
  for (size_t y = 0; y < m->nyears; y++) {
    if (m->years[y].n > maxn) maxn = m->years[y].n;
    all += m->years[y].n;
  }
  double *growth = malloc((M ? M : 1) * sizeof *growth);     /* population factor by member */
  /* results go to a block of BLOCK draws per cell first, then to the
  ** cell-major samples in runs of BLOCK floats: scattered single writes
  ** would miss the cache on every share */
  enum { BLOCK = 256 };
  float *blk = malloc((j->cells ? j->cells : 1) * BLOCK * sizeof *blk);
  long blk_start = j->from;
  double *pop = malloc((maxn ? maxn : 1) * sizeof *pop);
  /* per member of a year: its direct amount with bands, its share before
  ** limits, after them (years with bands or limits only) */
  double *dk = malloc((maxn ? maxn : 1) * 3 * sizeof *dk);
  year_coef *yc = malloc((m->nyears ? m->nyears : 1) * sizeof *yc);
  double *coef_room = malloc((all ? all : 1) * 4 * sizeof *coef_room);
  if (!growth || !pop || !dk || !blk || !yc || !coef_room) goto end;
  make_coefs(m, yc, coef_room);
  int vary_pop = o->pop_sd > 0 || o->pop_mean != 0;
  for (long d = j->from; d < j->to; d++) {
    if (o->stop && *o->stop) break;
    uint64_t key = draw_key(o->seed, (uint64_t)d);
    double wage_factor = 1.0;
    int wage_at = 0; /* wage_factor covers steps 1..wage_at */
    for (size_t i = 0; i < M; i++) growth[i] = 1.0;
    for (size_t yi = 0; yi < m->nyears; yi++) {
      const cs_mc_year *y = &m->years[yi];
      const year_coef *c = &yc[yi];
      /* wage growth: one draw per year since the base year (streams 0..) */
      double wf = 1.0;
      if (o->vary_wage && y->wage_steps > 0) {
        while (wage_at < y->wage_steps) {
          wage_at++;
          wage_factor *= 1.0 + o->wage_mean + o->wage_sd * normal(key, (uint64_t)wage_at);
        }
        wf = wage_factor;
      }
      double cost = y->cost_other + y->cost_wage * wf;
      double net = cost - y->grant;
      if (net < 0) net = 0;
      /* population growth: one normal per member and year, streams
      ** 2^20 + yi * M + mi (apart from the wage streams 1..) */
      uint64_t base = ((uint64_t)1 << 20) + (uint64_t)yi * M;
      double direct = 0, pop_total = 0;
      const size_t n = y->n;
      const int *restrict member = y->member;
      const double *restrict pop0 = y->population, *restrict ys = y->year_share;
      const double *restrict dc = c->dc, *restrict dr = c->dr, *restrict ca = c->a,
                             *restrict cb = c->b;
      double *restrict pk = pop, *restrict g = growth;
      const double pm = 1.0 + o->pop_mean, psd = o->pop_sd;
      for (size_t k = 0; k < n; k++) {
        int mi = member[k];
        if (vary_pop) g[mi] *= pm + psd * normal(key, base + (uint64_t)mi);
        double p = pop0[k] * g[mi];
        pk[k] = p;
        direct += dc[k] + dr[k] * p;
        pop_total += p * ys[k];
      }
      if (c->has_band) {
        /* fees by the band of the drawn population */
        for (size_t k = 0; k < n; k++) {
          double f = 0;
          for (size_t ci = 0; ci < y->ncomp; ci++)
            if (y->comp[ci].kind == CS_MC_BAND)
              f += band_fee(y->comp[ci].bands, y->comp[ci].nbands, pk[k]) * ys[k];
          dk[k] = f;
          direct += f;
        }
      }
      double rest = net - direct;
      if (rest < 0) rest = 0;
      double per_pop = c->has_pop_pool && pop_total > 0 ? rest / pop_total : 0;
      float *restrict out = blk + (size_t)(d - blk_start);
      double *restrict sums = j->sums + yi * M;
      if (c->has_band || y->capped) {
        double *u = dk + maxn, *after = dk + 2 * maxn;
        for (size_t k = 0; k < n; k++)
          u[k] = dc[k] + dr[k] * pk[k] + rest * ca[k] + per_pop * cb[k] * pk[k] +
                 (c->has_band ? dk[k] : 0);
        if (!y->capped) memcpy(after, u, n * sizeof *u);
        else if (y->covers) cap_cover(net > 0 ? net : 0, u, y->cap_min, y->cap_max, n, after);
        else
          for (size_t k = 0; k < n; k++) after[k] = clamp_to(u[k], y->cap_min[k], y->cap_max[k]);
        for (size_t k = 0; k < n; k++) {
          size_t mi = (size_t)member[k];
          out[(yi * M + mi) * BLOCK] = (float)after[k];
          sums[mi] += after[k];
        }
      } else {
        for (size_t k = 0; k < n; k++) {
          double share = dc[k] + dr[k] * pk[k] + rest * ca[k] + per_pop * cb[k] * pk[k];
          size_t mi = (size_t)member[k];
          out[(yi * M + mi) * BLOCK] = (float)share;
          sums[mi] += share;
        }
      }
    }
    j->done++;
    if (d + 1 - blk_start == BLOCK || d + 1 == j->to) {
      size_t nb = (size_t)(d + 1 - blk_start);
      for (size_t cell = 0; cell < j->cells; cell++)
        memcpy(j->samples + cell * (size_t)o->draws + (size_t)blk_start, blk + cell * BLOCK,
               nb * sizeof *blk);
      blk_start = d + 1;
    }
    if (o->progress && j->from == 0 && (j->done & 1023) == 0)
      o->progress(o->ud, j->done * (o->threads > 0 ? o->threads : 1), o->draws);
  }
  /* every member of a year has one share a draw */
  for (size_t yi = 0; yi < m->nyears; yi++)
    for (size_t k = 0; k < m->years[yi].n; k++)
      j->counts[yi * M + (size_t)m->years[yi].member[k]] += j->done;
  if (blk_start < j->from + j->done) { /* stopped inside a block */
    size_t nb = (size_t)(j->from + j->done - blk_start);
    for (size_t cell = 0; cell < j->cells; cell++)
      memcpy(j->samples + cell * (size_t)o->draws + (size_t)blk_start, blk + cell * BLOCK,
             nb * sizeof *blk);
  }
end:
  free(growth);
  free(blk);
  free(pop);
  free(dk);
  free(yc);
  free(coef_room);
  return NULL;
}

/* The k-th smallest of the 16-bit values v[0..m) (k < m), rearranging v:
** a radix select, 8 bits at a time (two small counting passes). */
static uint32_t select16(uint32_t *v, size_t m, size_t k) {
  uint32_t count[256];
  memset(count, 0, sizeof count);
  for (size_t i = 0; i < m; i++) count[v[i] >> 8]++;
  uint32_t hi = 0;
  while (k >= count[hi]) k -= count[hi++];
  size_t w = 0;
  for (size_t i = 0; i < m; i++)
    if (v[i] >> 8 == hi) v[w++] = v[i] & 0xff;
  memset(count, 0, sizeof count);
  for (size_t i = 0; i < w; i++) count[v[i]]++;
  uint32_t lo = 0;
  while (k >= count[lo]) k -= count[lo++];
  return hi << 8 | lo;
}

/* The k-th smallest of a[0..n) for each of nk (at most 3) ranks, all >= 0
** (shares): non-negative floats order as their bit patterns, so a radix
** select finds them exactly: one counting pass over the top 16 bits finds
** each rank's bin, one more copies the low 16 bits of those bins' elements
** to buf, where select16 finds the rank. hist (65536 counts) and slot
** (65536 bytes) come zeroed and are left so; buf has room for 2 n. */
static void select_ranks(const float *a, size_t n, const size_t *k, int nk, float *out,
                         uint32_t *hist, unsigned char *slot, uint32_t *buf) {
  uint32_t minbin = 0xffff, maxbin = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t bits;
    memcpy(&bits, &a[i], sizeof bits);
    uint32_t bin = bits >> 16;
    hist[bin]++;
    if (bin < minbin) minbin = bin;
    if (bin > maxbin) maxbin = bin;
  }
  uint32_t bin_of[3];
  size_t below[3], start[4] = {0, 0, 0, 0}, fill[3];
  int nb = 0, which[3];
  for (int r = 0; r < nk; r++) {
    size_t b = 0;
    uint32_t bin = minbin;
    while (b + hist[bin] <= k[r]) b += hist[bin++];
    below[r] = b;
    if (!slot[bin]) {
      bin_of[nb] = bin;
      start[nb + 1] = start[nb] + hist[bin];
      fill[nb] = start[nb];
      slot[bin] = (unsigned char)++nb;
    }
    which[r] = slot[bin] - 1;
  }
  for (size_t i = 0; i < n; i++) {
    uint32_t bits;
    memcpy(&bits, &a[i], sizeof bits);
    int w = slot[bits >> 16];
    if (w) buf[fill[w - 1]++] = bits & 0xffff;
  }
  for (int r = 0; r < nk; r++) {
    int w = which[r];
    size_t m = start[w + 1] - start[w];
    /* select16 rearranges: it works on a copy, as two ranks may share a bin */
    uint32_t *v = buf + n;
    memcpy(v, buf + start[w], m * sizeof *v);
    uint32_t low = select16(v, m, k[r] - below[r]);
    uint32_t bits = (bin_of[w] << 16) | low;
    memcpy(&out[r], &bits, sizeof bits);
  }
  for (int w = 0; w < nb; w++) slot[bin_of[w]] = 0;
  memset(hist + minbin, 0, (size_t)(maxbin - minbin + 1) * sizeof *hist);
}

typedef struct stat_job {
  float *samples;
  long draws, done;
  size_t from, to;
  const double *sums;
  const long *counts;
  cs_mc_stat *out;
} stat_job;

static void *stat_worker(void *arg) {
  stat_job *s = arg;
  uint32_t *hist = calloc(65536, sizeof *hist);
  unsigned char *slot = calloc(65536, 1);
  uint32_t *buf = malloc(2 * (size_t)(s->draws > 0 ? s->draws : 1) * sizeof *buf);
  for (size_t c = s->from; hist && slot && buf && c < s->to; c++) {
    cs_mc_stat *st = &s->out[c];
    long n = s->counts[c];
    st->n = n;
    if (n == 0) continue;
    const float *a = s->samples + c * (size_t)s->draws;
    st->mean = s->sums[c] / (double)n;
    size_t k[3] = {(size_t)(0.05 * (double)(n - 1) + 0.5), (size_t)(0.50 * (double)(n - 1) + 0.5),
                   (size_t)(0.95 * (double)(n - 1) + 0.5)};
    float q[3];
    select_ranks(a, (size_t)n, k, 3, q, hist, slot, buf);
    st->p5 = q[0];
    st->p50 = q[1];
    st->p95 = q[2];
  }
  free(hist);
  free(slot);
  free(buf);
  return NULL;
}

int cs_montecarlo(const cs_mc_model *m, const cs_mc_options *o, cs_mc_stat *out, long *done,
                  cs_error *err) {
  pthread_once(&qonce, build_qtable);
  if (o->draws < 1 || o->draws > 10000000)
    return cs_error_set(err, CS_EINVAL, "draws must be 1..10 000 000 (got %ld)", o->draws);
  int threads = o->threads < 1 ? 1 : o->threads > 64 ? 64 : o->threads;
  size_t cells = m->nyears * m->nmembers;
  float *samples = o->samples ? o->samples : malloc((cells ? cells : 1) * (size_t)o->draws * sizeof *samples);
  job *jobs = calloc((size_t)threads, sizeof *jobs);
  double *sums = calloc((size_t)threads * (cells ? cells : 1), sizeof *sums);
  long *counts = calloc((size_t)threads * (cells ? cells : 1), sizeof *counts);
  pthread_t *tid = calloc((size_t)threads, sizeof *tid);
  int rc = CS_OK;
  if (!samples || !jobs || !sums || !counts || !tid) {
    rc = cs_error_set(err, CS_ENOMEM, "out of memory for %ld draws of %zu member-years", o->draws, cells);
    goto end;
  }
  for (int t = 0; t < threads; t++) {
    jobs[t] = (job){m, o, o->draws * t / threads, o->draws * (t + 1) / threads, samples,
                    sums + (size_t)t * cells, counts + (size_t)t * cells, 0, cells};
    if (t > 0 && cs_thread_start(&tid[t], NULL, worker, &jobs[t]) != 0) {
      threads = t; /* run with what we have */
      break;
    }
  }
  worker(&jobs[0]);
  long total_done = jobs[0].done;
  for (int t = 1; t < threads; t++) {
    pthread_join(tid[t], NULL);
    total_done += jobs[t].done;
  }
  /* merge the per-thread sums; stop early means fewer draws in every cell */
  for (size_t c = 0; c < cells; c++)
    for (int t = 1; t < threads; t++) {
      sums[c] += sums[(size_t)t * cells + c];
      counts[c] += counts[(size_t)t * cells + c];
    }
  if (total_done < o->draws) {
    /* compact each thread's finished draws to the front of each cell */
    for (size_t c = 0; c < cells; c++) {
      float *a = samples + c * (size_t)o->draws;
      long w = 0;
      for (int t = 0; t < threads; t++)
        for (long d = jobs[t].from; d < jobs[t].from + jobs[t].done; d++) a[w++] = a[d];
    }
  }
  stat_job sj[64];
  pthread_t st[64];
  for (int t = 0; t < threads; t++) {
    sj[t] = (stat_job){samples, o->draws, 0, cells * (size_t)t / (size_t)threads,
                       cells * (size_t)(t + 1) / (size_t)threads, sums, counts, out};
    if (t > 0 && cs_thread_start(&st[t], NULL, stat_worker, &sj[t]) != 0) stat_worker(&sj[t]), st[t] = 0;
  }
  stat_worker(&sj[0]);
  for (int t = 1; t < threads; t++)
    if (st[t]) pthread_join(st[t], NULL);
  *done = total_done;
end:
  if (!o->samples) free(samples);
  free(jobs);
  free(sums);
  free(counts);
  free(tid);
  return rc;
}
