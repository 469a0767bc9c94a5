/* customer_rules.c — what an agent should know from a customer's view, as pure functions: leaks and catch-up bills in the usage, the bill behind a high-bill call. */
#include "careline/customer.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "careline/sla.h"
#include "careline/util.h"

int db_cv_usage_months(const struct db_customer_view *v, struct db_usage_month *out, int max)
{
    int n = v->part[CV_USAGE].n < max ? v->part[CV_USAGE].n : max;
    for (int i = 0; i < n; i++) {
        const struct db_cv_usage *u = DB_CV_ROW(v, CV_USAGE, struct db_cv_usage, i);
        out[i].m3 = u->m3_null ? NAN : u->m3;
        out[i].read_type = u->read_type[0];
        out[i].night_flow = u->night_flow_null ? NAN : u->night_flow;
    }
    return n;
}

int db_high_bill(const struct db_cv_bill *bills, int n, char *reason, size_t len)
{
    if (reason && len)
        reason[0] = '\0';
    /* Exact: pence compared as whole numbers. "Well above" is more than
     * 1.3 times the average and at least 10.00 more than it. */
    for (int i = 0; i < n && i < 6; i++) {
        int64_t sum = 0;
        int count = 0;
        for (int k = i + 1; k < n && k <= i + 4; k++) {
            sum += bills[k].amount;
            count++;
        }
        int64_t amount = bills[i].amount;
        if (count < 2 || amount * count * 10 <= sum * 13 || amount * count - sum < 1000 * (int64_t)count)
            continue;
        if (reason && len) {
            char avg[32];
            sla_money_text(llround((double)sum / count), avg, sizeof avg);
            if (sum > 0)
                util_format(reason, len, "%.0f%% above the %d bills before (%s on average)%s",
                            ((double)amount * count / (double)sum - 1) * 100, count, avg,
                            bills[i].estimated ? "; estimated" : "");
            else
                util_format(reason, len, "the %d bills before came to nothing (%s on average)%s", count, avg,
                            bills[i].estimated ? "; estimated" : "");
        }
        return i;
    }
    return -1;
}

/* ---- usage ---------------------------------------------------------------- */

static double mean(const struct db_usage_month *m, int from, int to, int *count)
{
    double sum = 0;
    int n = 0;
    for (int i = from; i < to; i++)
        if (i >= 0 && !isnan(m[i].m3)) {
            sum += m[i].m3;
            n++;
        }
    if (count)
        *count = n;
    return n ? sum / n : NAN;
}

int db_usage_flags(const struct db_usage_month *m, int n, char *reason, size_t len)
{
    int flags = USAGE_OK;
    char why[3][160] = {"", "", ""};

    /* A jump that lasts: the last three months against the same three a
     * year before (seasons cancel out), or against the six before them
     * when there is no year of history. Small absolute changes are noise. */
    if (n >= 6) {
        int cnt;
        double recent = mean(m, n - 3, n, &cnt);
        double base = n >= 15 ? mean(m, n - 15, n - 12, NULL) : mean(m, n - 9, n - 3, NULL);
        if (cnt == 3 && !isnan(base) && base > 0 && recent > base * 1.5 && recent - base >= 2.0) {
            flags |= USAGE_LEAK_JUMP;
            util_format(why[0], sizeof why[0], "use up %.0f%% for 3 months (%.1f vs %.1f m3/month)",
                        (recent / base - 1) * 100, recent, base);
        }
    }
    /* Water never stops at night: every one of the last three smart reads
     * shows a minimum night flow. */
    if (n >= 3) {
        int smart = 0;
        double low = INFINITY;
        for (int i = n - 3; i < n; i++)
            if (!isnan(m[i].night_flow) && m[i].night_flow >= DB_USAGE_NIGHT_LEAK) {
                smart++;
                if (m[i].night_flow < low)
                    low = m[i].night_flow;
            }
        if (smart == 3) {
            flags |= USAGE_LEAK_NIGHT;
            util_format(why[1], sizeof why[1], "water flows all night (at least %.1f l/h for 3 months)", low);
        }
    }
    /* A real read after two or more estimated months bills everything the
     * estimates missed at once. Look at the latest such read. */
    for (int i = n - 1; i >= 2; i--) {
        if (m[i].read_type == 'e' || m[i].read_type == 0)
            continue;
        int est = 0;
        for (int k = i - 1; k >= 0 && m[k].read_type == 'e'; k--)
            est++;
        if (est >= 2 && !isnan(m[i].m3)) {
            double typical = mean(m, i - est - 6, i - est, NULL);
            if (isnan(typical) || m[i].m3 > typical * 1.8) {
                flags |= USAGE_CATCH_UP;
                util_format(why[2], sizeof why[2], "an actual read after %d estimated months caught up", est);
            }
        }
        break;
    }
    if (reason && len) {
        struct util_buf b = {0};
        if (flags & (USAGE_LEAK_JUMP | USAGE_LEAK_NIGHT)) {
            util_buf_puts(&b, "Possible leak: ");
            util_buf_puts(&b, why[0]);
            if (why[0][0] && why[1][0])
                util_buf_puts(&b, "; ");
            util_buf_puts(&b, why[1]);
        }
        if (flags & USAGE_CATCH_UP) {
            util_buf_puts(&b, b.len ? ". Catch-up bill: " : "Catch-up bill: ");
            util_buf_puts(&b, why[2]);
        }
        util_format(reason, len, "%s", b.data ? b.data : "");
        util_buf_free(&b);
    }
    return flags;
}
