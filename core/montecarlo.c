/*
** montecarlo.c: the Monte Carlo hot loop (montecarlo.h).
*/
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/montecarlo.h"

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

/* Box-Muller: the streams 2p and 2p + 1 share one pair of uniforms and get
** its cosine and sine normals, so a pair costs one log and one sqrt. */
static void normal_pair(uint64_t key, uint64_t pair, double *even, double *odd) {
  double u1 = uniform(key, 2 * pair), u2 = uniform(key, 2 * pair + 1);
  double r = sqrt(-2.0 * log(u1)), t = 6.283185307179586 * u2;
  *even = r * cos(t);
  *odd = r * sin(t);
}

double cs_mc_normal(uint64_t seed, uint64_t draw, uint64_t stream) {
  double a, b;
  normal_pair(draw_key(seed, draw), stream / 2, &a, &b);
  return stream % 2 ? b : a;
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
  double *z = malloc((M + 1) * sizeof *z);                   /* this year's normals by member */
  /* results go to a block of BLOCK draws per cell first, then to the
  ** cell-major samples in runs of BLOCK floats: scattered single writes
  ** would miss the cache on every share */
  enum { BLOCK = 256 };
  float *blk = malloc((j->cells ? j->cells : 1) * BLOCK * sizeof *blk);
  long blk_start = j->from;
  double *pop = malloc((maxn ? maxn : 1) * sizeof *pop);
  double *share = malloc((maxn ? maxn : 1) * sizeof *share);
  if (!growth || !pop || !share || !z || !blk) goto end;
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
          double a, b;
          normal_pair(key, (uint64_t)wage_at, &a, &b); /* one pair a year: streams 2w, 2w + 1 */
          wage_factor *= 1.0 + o->wage_mean + o->wage_sd * a;
        }
        wf = wage_factor;
      }
      double cost = y->cost_other + y->cost_wage * wf;
      double net = cost - y->grant;
      if (net < 0) net = 0;
      /* population growth: one normal per member and year, from the pairs
      ** 2^19 + yi * (M / 2 + 1) + mi / 2 (apart from the wage pairs 1..) */
      if (vary_pop) {
        uint64_t base = ((uint64_t)1 << 19) + (uint64_t)yi * (M / 2 + 1);
        for (size_t mi2 = 0; mi2 < M; mi2 += 2) normal_pair(key, base + mi2 / 2, &z[mi2], &z[mi2 + 1]);
      }
      for (size_t k = 0; k < y->n; k++) {
        int mi = y->member[k];
        if (vary_pop) growth[mi] *= 1.0 + o->pop_mean + o->pop_sd * z[mi];
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
  free(z);
  free(blk);
  free(pop);
  free(share);
  return NULL;
}

/* k-th smallest of a[0..n) (quickselect; reorders a). */
static float select_k(float *a, size_t n, size_t k) {
  size_t lo = 0, hi = n - 1;
  while (lo < hi) {
    float pivot = a[lo + (hi - lo) / 2];
    size_t i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        float t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        if (j == 0) break;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
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
  for (size_t c = s->from; c < s->to; c++) {
    cs_mc_stat *st = &s->out[c];
    long n = s->counts[c];
    st->n = n;
    if (n == 0) continue;
    float *a = s->samples + c * (size_t)s->draws;
    /* a member present in a year is present in every draw */
    st->mean = s->sums[c] / (double)n;
    size_t k5 = (size_t)(0.05 * (double)(n - 1) + 0.5), k50 = (size_t)(0.50 * (double)(n - 1) + 0.5),
           k95 = (size_t)(0.95 * (double)(n - 1) + 0.5);
    st->p50 = select_k(a, (size_t)n, k50);
    st->p5 = select_k(a, k50 + 1, k5);                      /* below the median */
    st->p95 = select_k(a + k50, (size_t)n - k50, k95 - k50); /* above it */
  }
  return NULL;
}

int cs_montecarlo(const cs_mc_model *m, const cs_mc_options *o, cs_mc_stat *out, long *done,
                  cs_error *err) {
  if (o->draws < 1 || o->draws > 10000000)
    return cs_error_set(err, CS_EINVAL, "draws must be 1..10 000 000 (got %ld)", o->draws);
  int threads = o->threads < 1 ? 1 : o->threads > 64 ? 64 : o->threads;
  size_t cells = m->nyears * m->nmembers;
  float *samples = malloc((cells ? cells : 1) * (size_t)o->draws * sizeof *samples);
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
    if (t > 0 && pthread_create(&tid[t], NULL, worker, &jobs[t]) != 0) {
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
    if (t > 0 && pthread_create(&st[t], NULL, stat_worker, &sj[t]) != 0) stat_worker(&sj[t]), st[t] = 0;
  }
  stat_worker(&sj[0]);
  for (int t = 1; t < threads; t++)
    if (st[t]) pthread_join(st[t], NULL);
  *done = total_done;
end:
  free(samples);
  free(jobs);
  free(sums);
  free(counts);
  free(tid);
  return rc;
}
