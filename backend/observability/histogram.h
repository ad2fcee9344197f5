#pragma once

#include "observability/metricfamily.h"

#include <QList>

#include <atomic>
#include <memory>
#include <vector>

namespace relaydesk {

// Histogram family with fixed upper bounds; the "+Inf" bucket is implicit.
class Histogram : public MetricFamily {
public:
    class Child : public MetricFamily::ChildBase {
    public:
        explicit Child(const std::vector<double> &upperBounds);

        // NaN is dropped: it would poison _sum for the rest of the process lifetime.
        void observe(double value);
        quint64 count() const;
        double sum() const;
        // One entry per upper bound plus the final "+Inf" entry, cumulative as exposed.
        QList<quint64> cumulativeCounts() const;

    private:
        const std::vector<double> &m_upperBounds;
        std::unique_ptr<std::atomic<quint64>[]> m_buckets;
        std::atomic<double> m_sum{0.0};
    };

    // Empty buckets select defaultBuckets(); the list is sorted, de-duplicated and stripped of
    // non-finite values.
    Histogram(const QString &name, const QString &help, const QStringList &labelNames,
              const QList<double> &buckets = {});

    // Request latencies in seconds, 0.5 ms .. 10 s.
    static QList<double> defaultBuckets();

    QList<double> buckets() const;
    Child *labels(const QStringList &labelValues);
    // Shortcuts for the unlabelled child of a family without label names.
    void observe(double value);
    quint64 count(const QStringList &labelValues = {}) const;
    double sum(const QStringList &labelValues = {}) const;

protected:
    std::unique_ptr<ChildBase> createChild() const override;
    void renderChild(QByteArray &out, const QStringList &labelValues,
                     const ChildBase &child) const override;

private:
    std::vector<double> m_upperBounds;
    Child *m_unlabelled = nullptr;
};

} // namespace relaydesk
