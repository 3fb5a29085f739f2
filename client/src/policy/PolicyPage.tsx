export default function PolicyPage() { return <div>PolicyPage</div>; }
