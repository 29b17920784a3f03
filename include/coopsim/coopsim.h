#ifndef COOPSIM_COOPSIM_H
#define COOPSIM_COOPSIM_H
/* coopsim: the whole public C API. */
#include "coopsim/error.h"
#include "coopsim/date.h"
#include "coopsim/big.h"
#include "coopsim/registry.h"
#include "coopsim/ssb_import.h"
#include "coopsim/readfile.h"
#include "coopsim/q.h"
#include "coopsim/round.h"
#include "coopsim/key.h"
#include "coopsim/notice.h"
#include "coopsim/coop.h"
#include "coopsim/simulate.h"
#include "coopsim/explain.h"
#include "coopsim/sha256.h"
#include "coopsim/rundb.h"
#endif
