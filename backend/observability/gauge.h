#pragma once

#include "observability/metricfamily.h"

#include <QMutex>

#include <atomic>
#include <functional>

namespace relaydesk {

// Gauge family. An unlabelled gauge may instead carry a callback that is evaluated at exposition
// time, for values owned elsewhere (queue depth read from the database).
class Gauge : public MetricFamily {
public:
    class Child : public MetricFamily::ChildBase {
    public:
        void set(double value);
        void inc(double amount = 1.0);
        void dec(double amount = 1.0);
        double value() const;

    private:
        std::atomic<double> m_value{0.0};
    };

    Gauge(const QString &name, const QString &help, const QStringList &labelNames);

    Child *labels(const QStringList &labelValues);
    // Shortcuts for the unlabelled child of a family without label names.
    void set(double value);
    void inc(double amount = 1.0);
    void dec(double amount = 1.0);
    // With a callback installed, value() of the unlabelled gauge asks the callback.
    double value(const QStringList &labelValues = {}) const;

    // An empty function removes the callback and the stored value is exposed again.
    void setCallback(std::function<double()> callback);
    bool hasCallback() const;

protected:
    std::unique_ptr<ChildBase> createChild() const override;
    void renderChild(QByteArray &out, const QStringList &labelValues,
                     const ChildBase &child) const override;
    void renderSamples(QByteArray &out) const override;

private:
    std::function<double()> callback() const;

    Child *m_unlabelled = nullptr;
    mutable QMutex m_callbackMutex;
    std::function<double()> m_callback;
};

} // namespace relaydesk
