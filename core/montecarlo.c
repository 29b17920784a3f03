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

static double inverse_exact(double u) {
  double lo = -40, hi = 40;
  for (int i = 0; i < 200 && hi - lo > 1e-13; i++) {
    double mid = 0.5 * (lo + hi);
    if (norm_cdf(mid) < u) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
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

static void *worker(void *arg) {
  job *j = arg;
  const cs_mc_model *m = j->m;
  const cs_mc_options *o = j->o;
  size_t M = m->nmembers, maxn = 0;
  for (size_t y = 0; y < m->nyears; y++)
    if (m->years[y].n > maxn) maxn = m->years[y].n;
  double *growth = malloc((M ? M : 1) * sizeof *growth);     /* population factor by member */
  /* results go to a block of BLOCK draws per cell first, then to the
  ** cell-major samples in runs of BLOCK floats: scattered single writes
  ** would miss the cache on every share */
  enum { BLOCK = 256 };
  float *blk = malloc((j->cells ? j->cells : 1) * BLOCK * sizeof *blk);
  long blk_start = j->from;
  double *pop = malloc((maxn ? maxn : 1) * sizeof *pop);
  double *share = malloc((maxn ? maxn : 1) * sizeof *share);
  if (!growth || !pop || !share || !blk) goto end;
  int vary_pop = o->pop_sd > 0 || o->pop_mean != 0;
  for (long d = j->from; d < j->to; d++) {
    if (o->stop && *o->stop) break;
    uint64_t key = draw_key(o->seed, (uint64_t)d);
    double wage_factor = 1.0;
    int wage_at = 0; /* wage_factor covers steps 1..wage_at */
    for (size_t i = 0; i < M; i++) growth[i] = 1.0;
    for (size_t yi = 0; yi < m->nyears; yi++) {
      const cs_mc_year *y = &m->years[yi];
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
      for (size_t k = 0; k < y->n; k++) {
        int mi = y->member[k];
        if (vary_pop) growth[mi] *= 1.0 + o->pop_mean + o->pop_sd * normal(key, base + (uint64_t)mi);
        pop[k] = y->population[k] * growth[mi];
        share[k] = 0;
      }
      double direct = 0;
      for (size_t c = 0; c < y->ncomp; c++) {
        const cs_mc_component *comp = &y->comp[c];
        if (comp->kind > CS_MC_FIXED) continue;
        for (size_t k = 0; k < y->n; k++) {
          double v = comp->kind == CS_MC_BASE   ? comp->amount
                     : comp->kind == CS_MC_RATE ? comp->amount * pop[k]
                                                : comp->by_member[y->member[k]];
          v *= y->year_share[k];
          share[k] += v;
          direct += v;
        }
      }
      double rest = net - direct;
      if (rest < 0) rest = 0;
      for (size_t c = 0; c < y->ncomp; c++) {
        const cs_mc_component *comp = &y->comp[c];
        if (comp->kind <= CS_MC_FIXED) continue;
        double total = 0;
        for (size_t k = 0; k < y->n; k++) {
          double w = comp->kind == CS_MC_EQUAL        ? 1.0
                     : comp->kind == CS_MC_POPULATION ? pop[k]
                                                      : comp->by_member[y->member[k]];
          total += w * y->year_share[k];
        }
        if (total <= 0) continue;
        double f = comp->amount * rest / total;
        for (size_t k = 0; k < y->n; k++) {
          double w = comp->kind == CS_MC_EQUAL        ? 1.0
                     : comp->kind == CS_MC_POPULATION ? pop[k]
                                                      : comp->by_member[y->member[k]];
          share[k] += f * w * y->year_share[k];
        }
      }
      for (size_t k = 0; k < y->n; k++) {
        size_t cell = yi * M + (size_t)y->member[k];
        blk[cell * BLOCK + (size_t)(d - blk_start)] = (float)share[k];
        j->sums[cell] += share[k];
        j->counts[cell]++;
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
  free(share);
  return NULL;
}

/* The k-th smallest of a[0..n) for each of nk ranks, all >= 0 (shares):
** non-negative floats order as their bit patterns, so a radix select finds
** them exactly in two counting passes: the top 16 bits over all elements,
** then the low 16 bits over the elements of the bin that holds the rank.
** hist has room for 65536 counts and buf for n floats. */
static void select_ranks(const float *a, size_t n, const size_t *k, int nk, float *out,
                         uint32_t *hist, uint32_t *buf) {
  memset(hist, 0, 65536 * sizeof *hist);
  for (size_t i = 0; i < n; i++) {
    uint32_t bits;
    memcpy(&bits, &a[i], sizeof bits);
    hist[bits >> 16]++;
  }
  for (int r = 0; r < nk; r++) {
    size_t below = 0;
    uint32_t bin = 0;
    while (below + hist[bin] <= k[r]) below += hist[bin++];
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
      uint32_t bits;
      memcpy(&bits, &a[i], sizeof bits);
      if (bits >> 16 == bin) buf[m++] = bits & 0xffff;
    }
    /* second level: count the low halves in the same kind of histogram */
    static const size_t LOW = 65536;
    uint32_t *low = hist + 65536; /* the second half of the caller's buffer */
    memset(low, 0, LOW * sizeof *low);
    for (size_t i = 0; i < m; i++) low[buf[i]]++;
    size_t rank = k[r] - below, seen = 0;
    uint32_t lbin = 0;
    while (seen + low[lbin] <= rank) seen += low[lbin++];
    uint32_t bits = (bin << 16) | lbin;
    memcpy(&out[r], &bits, sizeof bits);
  }
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
  uint32_t *hist = malloc(2 * 65536 * sizeof *hist);
  uint32_t *buf = malloc((size_t)(s->draws > 0 ? s->draws : 1) * sizeof *buf);
  for (size_t c = s->from; hist && buf && c < s->to; c++) {
    cs_mc_stat *st = &s->out[c];
    long n = s->counts[c];
    st->n = n;
    if (n == 0) continue;
    const float *a = s->samples + c * (size_t)s->draws;
    st->mean = s->sums[c] / (double)n;
    size_t k[3] = {(size_t)(0.05 * (double)(n - 1) + 0.5), (size_t)(0.50 * (double)(n - 1) + 0.5),
                   (size_t)(0.95 * (double)(n - 1) + 0.5)};
    float q[3];
    select_ranks(a, (size_t)n, k, 3, q, hist, buf);
    st->p5 = q[0];
    st->p50 = q[1];
    st->p95 = q[2];
  }
  free(hist);
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
