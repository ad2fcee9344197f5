#include "observability/metricsregistry.h"

#include <QMutexLocker>
#include <QtGlobal>

#include <vector>

namespace relaydesk {

namespace {

void validateNames(const QString &name, const QStringList &labelNames, bool histogram) {
    if (!MetricFamily::isValidMetricName(name))
        qFatal("invalid metric name \"%s\"", qPrintable(name));
    for (const QString &label : labelNames) {
        if (!MetricFamily::isValidLabelName(label))
            qFatal("metric %s: invalid label name \"%s\"", qPrintable(name), qPrintable(label));
        if (histogram && label == QLatin1String("le"))
            qFatal("histogram %s: label \"le\" is reserved", qPrintable(name));
    }
    QStringList unique = labelNames;
    if (unique.removeDuplicates() != 0)
        qFatal("metric %s: duplicate label names", qPrintable(name));
}

} // namespace

MetricsRegistry::MetricsRegistry() = default;

MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry &MetricsRegistry::instance() {
    static MetricsRegistry registry;
    return registry;
}

QByteArray MetricsRegistry::contentType() {
    return QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8");
}

template <typename Family, typename Factory>
Family *MetricsRegistry::findOrCreate(const QString &name, const QStringList &labelNames,
                                      Factory &&factory) {
    QMutexLocker locker(&m_mutex);
    auto &slot = m_families[name];
    if (!slot) {
        slot = factory();
        return static_cast<Family *>(slot.get());
    }
    auto *existing = dynamic_cast<Family *>(slot.get());
    if (!existing) {
        qFatal("metric %s registered as %s, requested as another type", qPrintable(name),
               MetricFamily::typeName(slot->type()).constData());
    }
    if (existing->labelNames() != labelNames) {
        qFatal("metric %s registered with labels [%s], requested with [%s]", qPrintable(name),
               qPrintable(existing->labelNames().join(QLatin1Char(','))),
               qPrintable(labelNames.join(QLatin1Char(','))));
    }
    return existing;
}

Counter *MetricsRegistry::counter(const QString &name, const QString &help,
                                  const QStringList &labelNames) {
    const QString fullName =
        name.endsWith(QLatin1String("_total")) ? name : name + QLatin1String("_total");
    validateNames(fullName, labelNames, false);
    return findOrCreate<Counter>(fullName, labelNames, [&] {
        return std::make_unique<Counter>(fullName, help, labelNames);
    });
}

Gauge *MetricsRegistry::gauge(const QString &name, const QString &help,
                              const QStringList &labelNames) {
    validateNames(name, labelNames, false);
    return findOrCreate<Gauge>(name, labelNames,
                               [&] { return std::make_unique<Gauge>(name, help, labelNames); });
}

Histogram *MetricsRegistry::histogram(const QString &name, const QString &help,
                                      const QStringList &labelNames, const QList<double> &buckets) {
    validateNames(name, labelNames, true);
    return findOrCreate<Histogram>(name, labelNames, [&] {
        return std::make_unique<Histogram>(name, help, labelNames, buckets);
    });
}

void MetricsRegistry::gaugeCallback(const QString &name, const QString &help,
                                    std::function<double()> callback) {
    gauge(name, help)->setCallback(std::move(callback));
}

void MetricsRegistry::removeGaugeCallback(const QString &name) {
    QMutexLocker locker(&m_mutex);
    const auto it = m_families.find(name);
    if (it == m_families.end())
        return;
    if (auto *gauge = dynamic_cast<Gauge *>(it->second.get()))
        gauge->setCallback({});
}

QByteArray MetricsRegistry::exposition() const {
    // Rendered outside the registry lock: gauge callbacks may be slow or register metrics
    // themselves. Families are never removed, so the pointers stay valid.
    std::vector<const MetricFamily *> families;
    {
        QMutexLocker locker(&m_mutex);
        families.reserve(m_families.size());
        for (const auto &[name, family] : m_families)
            families.push_back(family.get());
    }
    QByteArray out;
    for (const MetricFamily *family : families)
        family->render(out);
    return out;
}

} // namespace relaydesk
