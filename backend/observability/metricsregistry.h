#pragma once

#include "observability/counter.h"
#include "observability/gauge.h"
#include "observability/histogram.h"

#include <QByteArray>
#include <QList>
#include <QMutex>
#include <QString>
#include <QStringList>

#include <functional>
#include <map>
#include <memory>

namespace relaydesk {

// Owner of every metric family and producer of the Prometheus text exposition (format 0.0.4).
// The registry lock only guards registration and exposition; updating a metric goes through the
// family (per-family lock to find a child) and the child (atomics), so hot paths that cache the
// child pointer never lock at all. Families live as long as the registry.
class MetricsRegistry {
public:
    MetricsRegistry();
    ~MetricsRegistry();
    MetricsRegistry(const MetricsRegistry &) = delete;
    MetricsRegistry &operator=(const MetricsRegistry &) = delete;

    static MetricsRegistry &instance();
    // "text/plain; version=0.0.4; charset=utf-8", the Content-Type for exposition().
    static QByteArray contentType();

    // Registering an existing name returns the existing family; a different type or different
    // label names for the same name is a programming error and aborts. "_total" is appended to
    // counter names that lack it.
    Counter *counter(const QString &name, const QString &help, const QStringList &labelNames = {});
    Gauge *gauge(const QString &name, const QString &help, const QStringList &labelNames = {});
    Histogram *histogram(const QString &name, const QString &help,
                         const QStringList &labelNames = {}, const QList<double> &buckets = {});

    // An unlabelled gauge whose value comes from `callback` at exposition time. Registering the
    // same name again replaces the callback; remove it before whatever it captures is destroyed.
    void gaugeCallback(const QString &name, const QString &help, std::function<double()> callback);
    void removeGaugeCallback(const QString &name);

    // Families sorted by name; families without any sample yet are left out.
    QByteArray exposition() const;

private:
    template <typename Family, typename Factory>
    Family *findOrCreate(const QString &name, const QStringList &labelNames, Factory &&factory);

    mutable QMutex m_mutex;
    std::map<QString, std::unique_ptr<MetricFamily>> m_families;
};

} // namespace relaydesk
