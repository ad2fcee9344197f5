#include "observability/histogram.h"

#include <algorithm>
#include <cmath>

namespace relaydesk {

Histogram::Child::Child(const std::vector<double> &upperBounds)
    : m_upperBounds(upperBounds)
    , m_buckets(std::make_unique<std::atomic<quint64>[]>(upperBounds.size() + 1)) {}

void Histogram::Child::observe(double value) {
    if (std::isnan(value))
        return;
    // Buckets are stored non-cumulative so an observation touches one counter only.
    const auto it = std::lower_bound(m_upperBounds.begin(), m_upperBounds.end(), value);
    const auto index = static_cast<size_t>(it - m_upperBounds.begin());
    m_buckets[index].fetch_add(1, std::memory_order_relaxed);
    m_sum.fetch_add(value, std::memory_order_relaxed);
}

quint64 Histogram::Child::count() const {
    quint64 total = 0;
    for (size_t i = 0; i <= m_upperBounds.size(); ++i)
        total += m_buckets[i].load(std::memory_order_relaxed);
    return total;
}

double Histogram::Child::sum() const {
    return m_sum.load(std::memory_order_relaxed);
}

QList<quint64> Histogram::Child::cumulativeCounts() const {
    QList<quint64> counts;
    counts.reserve(qsizetype(m_upperBounds.size() + 1));
    quint64 running = 0;
    for (size_t i = 0; i <= m_upperBounds.size(); ++i) {
        running += m_buckets[i].load(std::memory_order_relaxed);
        counts.append(running);
    }
    return counts;
}

Histogram::Histogram(const QString &name, const QString &help, const QStringList &labelNames,
                     const QList<double> &buckets)
    : MetricFamily(Type::Histogram, name, help, labelNames) {
    const QList<double> source = buckets.isEmpty() ? defaultBuckets() : buckets;
    for (const double bound : source) {
        if (std::isfinite(bound))
            m_upperBounds.push_back(bound);
    }
    std::sort(m_upperBounds.begin(), m_upperBounds.end());
    m_upperBounds.erase(std::unique(m_upperBounds.begin(), m_upperBounds.end()),
                        m_upperBounds.end());
    if (labelNames.isEmpty())
        m_unlabelled = labels({});
}

QList<double> Histogram::defaultBuckets() {
    return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0};
}

QList<double> Histogram::buckets() const {
    return QList<double>(m_upperBounds.begin(), m_upperBounds.end());
}

Histogram::Child *Histogram::labels(const QStringList &labelValues) {
    return static_cast<Child *>(childFor(labelValues));
}

void Histogram::observe(double value) {
    (m_unlabelled ? m_unlabelled : labels({}))->observe(value);
}

quint64 Histogram::count(const QStringList &labelValues) const {
    const auto *child = static_cast<const Child *>(findChild(labelValues));
    return child ? child->count() : 0;
}

double Histogram::sum(const QStringList &labelValues) const {
    const auto *child = static_cast<const Child *>(findChild(labelValues));
    return child ? child->sum() : 0.0;
}

std::unique_ptr<MetricFamily::ChildBase> Histogram::createChild() const {
    return std::make_unique<Child>(m_upperBounds);
}

void Histogram::renderChild(QByteArray &out, const QStringList &labelValues,
                            const ChildBase &child) const {
    const auto &histogram = static_cast<const Child &>(child);
    const QByteArray base = name().toUtf8();
    const QByteArray bucketName = base + "_bucket";
    // _count is taken from the same snapshot as the buckets so "+Inf" always equals _count,
    // even while other threads keep observing.
    const QList<quint64> counts = histogram.cumulativeCounts();
    for (size_t i = 0; i < m_upperBounds.size(); ++i) {
        appendSample(out, bucketName, labelValues, QByteArray::number(counts.at(qsizetype(i))),
                     QByteArrayLiteral("le"), formatDouble(m_upperBounds[i]));
    }
    appendSample(out, bucketName, labelValues, QByteArray::number(counts.constLast()),
                 QByteArrayLiteral("le"), QByteArrayLiteral("+Inf"));
    appendSample(out, base + "_sum", labelValues, formatDouble(histogram.sum()));
    appendSample(out, base + "_count", labelValues, QByteArray::number(counts.constLast()));
}

} // namespace relaydesk
