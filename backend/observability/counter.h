#pragma once

#include "observability/metricfamily.h"

#include <atomic>

namespace relaydesk {

// Monotonic counter family. The exposed name always ends in "_total" (the registry appends it).
class Counter : public MetricFamily {
public:
    class Child : public MetricFamily::ChildBase {
    public:
        // Negative and NaN amounts are dropped: a counter that goes down breaks rate().
        void inc(double amount = 1.0);
        double value() const;

    private:
        std::atomic<double> m_value{0.0};
    };

    Counter(const QString &name, const QString &help, const QStringList &labelNames);

    Child *labels(const QStringList &labelValues);
    // Shortcuts for the unlabelled child of a family without label names.
    void inc(double amount = 1.0);
    double value(const QStringList &labelValues = {}) const;
    // Sum over every child, e.g. all channels together.
    double sum() const;

protected:
    std::unique_ptr<ChildBase> createChild() const override;
    void renderChild(QByteArray &out, const QStringList &labelValues,
                     const ChildBase &child) const override;

private:
    Child *m_unlabelled = nullptr;
};

} // namespace relaydesk
