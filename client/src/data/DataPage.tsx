export default function DataPage() { return <div>DataPage</div>; }
