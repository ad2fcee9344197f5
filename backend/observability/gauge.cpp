#include "observability/gauge.h"

#include <QMutexLocker>

namespace relaydesk {

void Gauge::Child::set(double value) {
    m_value.store(value, std::memory_order_relaxed);
}

void Gauge::Child::inc(double amount) {
    m_value.fetch_add(amount, std::memory_order_relaxed);
}

void Gauge::Child::dec(double amount) {
    m_value.fetch_sub(amount, std::memory_order_relaxed);
}

double Gauge::Child::value() const {
    return m_value.load(std::memory_order_relaxed);
}

Gauge::Gauge(const QString &name, const QString &help, const QStringList &labelNames)
    : MetricFamily(Type::Gauge, name, help, labelNames) {
    if (labelNames.isEmpty())
        m_unlabelled = labels({});
}

Gauge::Child *Gauge::labels(const QStringList &labelValues) {
    return static_cast<Child *>(childFor(labelValues));
}

void Gauge::set(double value) {
    (m_unlabelled ? m_unlabelled : labels({}))->set(value);
}

void Gauge::inc(double amount) {
    (m_unlabelled ? m_unlabelled : labels({}))->inc(amount);
}

void Gauge::dec(double amount) {
    (m_unlabelled ? m_unlabelled : labels({}))->dec(amount);
}

double Gauge::value(const QStringList &labelValues) const {
    if (labelValues.isEmpty() && labelNames().isEmpty()) {
        if (const auto fn = callback())
            return fn();
    }
    const auto *child = static_cast<const Child *>(findChild(labelValues));
    return child ? child->value() : 0.0;
}

void Gauge::setCallback(std::function<double()> callback) {
    QMutexLocker locker(&m_callbackMutex);
    m_callback = std::move(callback);
}

bool Gauge::hasCallback() const {
    QMutexLocker locker(&m_callbackMutex);
    return bool(m_callback);
}

std::function<double()> Gauge::callback() const {
    // Copied out so the callback runs without the lock: it may be slow (a SQL query) or touch
    // the registry itself.
    QMutexLocker locker(&m_callbackMutex);
    return m_callback;
}

std::unique_ptr<MetricFamily::ChildBase> Gauge::createChild() const {
    return std::make_unique<Child>();
}

void Gauge::renderChild(QByteArray &out, const QStringList &labelValues,
                        const ChildBase &child) const {
    appendSample(out, name().toUtf8(), labelValues,
                 formatDouble(static_cast<const Child &>(child).value()));
}

void Gauge::renderSamples(QByteArray &out) const {
    if (labelNames().isEmpty()) {
        if (const auto fn = callback()) {
            appendSample(out, name().toUtf8(), {}, formatDouble(fn()));
            return;
        }
    }
    MetricFamily::renderSamples(out);
}

} // namespace relaydesk
