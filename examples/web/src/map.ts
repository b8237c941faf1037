import { geoNaturalEarth1, geoPath } from "d3-geo";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import world from "world-atlas/countries-110m.json";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 960;
const HEIGHT = 500;

/** A world outline (Natural Earth, 1:110m, from the world-atlas package) with event places on it. */
export class EventMap {
  private readonly projection = geoNaturalEarth1().fitSize([WIDTH, HEIGHT], { type: "Sphere" });
  private readonly places: SVGGElement;
  private readonly marks = new Map<string, { circle: SVGCircleElement; events: Set<string>; label: SVGTextElement }>();

  constructor(private readonly svg: SVGSVGElement) {
    const path = geoPath(this.projection);
    const sphere = document.createElementNS(SVG, "path");
    sphere.setAttribute("class", "sphere");
    sphere.setAttribute("d", path({ type: "Sphere" }) ?? "");
    svg.append(sphere);
    const topology = world as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
    const countries = feature(topology, topology.objects.countries);
    const land = document.createElementNS(SVG, "g");
    for (const country of countries.features) {
      const shape = document.createElementNS(SVG, "path");
      shape.setAttribute("class", "country");
      shape.setAttribute("d", path(country) ?? "");
      const title = document.createElementNS(SVG, "title");
      title.textContent = country.properties?.name ?? "";
      shape.append(title);
      land.append(shape);
    }
    svg.append(land);
    this.places = document.createElementNS(SVG, "g");
    svg.append(this.places);
  }

  /** Marks a place (once per place; the dot grows with the number of events there). */
  add(place: { name?: string | null; latitude?: number | null; longitude?: number | null }, eventId: string, fresh: boolean): void {
    if (place.latitude == null || place.longitude == null || !place.name) return;
    const point = this.projection([place.longitude, place.latitude]);
    if (!point) return;
    let mark = this.marks.get(place.name);
    if (!mark) {
      const circle = document.createElementNS(SVG, "circle");
      circle.setAttribute("class", "place");
      circle.setAttribute("cx", point[0].toFixed(1));
      circle.setAttribute("cy", point[1].toFixed(1));
      circle.dataset.place = place.name;
      const label = document.createElementNS(SVG, "text");
      label.setAttribute("class", "label");
      label.setAttribute("x", (point[0] + 8).toFixed(1));
      label.setAttribute("y", (point[1] + 4).toFixed(1));
      label.textContent = place.name;
      circle.append(document.createElementNS(SVG, "title"));
      this.places.append(circle, label);
      mark = { circle, events: new Set(), label };
      this.marks.set(place.name, mark);
    }
    mark.events.add(eventId);
    mark.circle.setAttribute("r", (4 + 2.5 * Math.sqrt(mark.events.size)).toFixed(1));
    mark.circle.querySelector("title")!.textContent = `${place.name}: ${mark.events.size} event${mark.events.size === 1 ? "" : "s"}`;
    mark.circle.classList.toggle("fresh", fresh);
  }

  get placeCount(): number {
    return this.marks.size;
  }
}
