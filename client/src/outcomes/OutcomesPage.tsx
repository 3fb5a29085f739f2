export default function OutcomesPage() { return <div>OutcomesPage</div>; }
