#include "observability/counter.h"

namespace relaydesk {

void Counter::Child::inc(double amount) {
    if (!(amount >= 0.0))
        return;
    m_value.fetch_add(amount, std::memory_order_relaxed);
}

double Counter::Child::value() const {
    return m_value.load(std::memory_order_relaxed);
}

Counter::Counter(const QString &name, const QString &help, const QStringList &labelNames)
    : MetricFamily(Type::Counter, name, help, labelNames) {
    // An unlabelled counter is exposed as 0 from the start so rate() has a baseline.
    if (labelNames.isEmpty())
        m_unlabelled = labels({});
}

Counter::Child *Counter::labels(const QStringList &labelValues) {
    return static_cast<Child *>(childFor(labelValues));
}

void Counter::inc(double amount) {
    Child *child = m_unlabelled ? m_unlabelled : labels({});
    child->inc(amount);
}

double Counter::value(const QStringList &labelValues) const {
    const auto *child = static_cast<const Child *>(findChild(labelValues));
    return child ? child->value() : 0.0;
}

double Counter::sum() const {
    double total = 0.0;
    forEachChild([&total](const QStringList &, const ChildBase &child) {
        total += static_cast<const Child &>(child).value();
    });
    return total;
}

std::unique_ptr<MetricFamily::ChildBase> Counter::createChild() const {
    return std::make_unique<Child>();
}

void Counter::renderChild(QByteArray &out, const QStringList &labelValues,
                          const ChildBase &child) const {
    appendSample(out, name().toUtf8(), labelValues,
                 formatDouble(static_cast<const Child &>(child).value()));
}

} // namespace relaydesk
